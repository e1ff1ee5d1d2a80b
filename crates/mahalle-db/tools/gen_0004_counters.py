# Generates migrations 0004 for both backends from one list of counters:
#   python3 crates/mahalle-db/tools/gen_0004_counters.py crates/mahalle-db/migrations
OPEN = "IN ('approved','in_progress')"

# name, key columns (with their role), condition kind, uses grains
COUNTERS = [
    ("resolution_tally", ["lead_org_id", "domain", "status", "late"], "all", False),
    ("resolution_tally_district", ["district_id", "lead_org_id", "domain", "status", "late"], "all", False),
    ("resolution_open_due", ["grain", "period", "lead_org_id", "domain", "status"], "open", True),
    ("resolution_open_due_district", ["district_id", "grain", "period", "lead_org_id", "domain", "status"], "open", True),
    ("resolution_done_days", ["lead_org_id", "domain", "days"], "done", False),
    ("resolution_done_days_district", ["district_id", "lead_org_id", "domain", "days"], "done", False),
]
PARTNER_KEYS = ["organisation_id", "grain", "period", "status", "leads"]

def sqlite_expr(col, x):
    return {
        "lead_org_id": f"{x}.lead_org_id",
        "district_id": f"COALESCE({x}.district_id, 0)",
        "domain": f"{x}.domain",
        "status": f"{x}.status",
        "late": f"COALESCE({x}.done_late, -1)",
        "grain": "g.grain",
        "period": f"CASE g.grain WHEN 'y' THEN substr({x}.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr({x}.deadline, 1, 7) || '-01' ELSE {x}.deadline END",
        "days": f"{x}.days_to_done",
    }[col]

def sqlite_cond(kind, x):
    return {"all": "1", "open": f"{x}.status {OPEN}", "done": f"{x}.status = 'done' AND {x}.days_to_done IS NOT NULL"}[kind]

def sqlite_counter(name, keys, kind, grains, x, delta):
    cols = ", ".join(keys)
    vals = ",\n           ".join(sqlite_expr(k, x) for k in keys)
    frm = " FROM counter_grains g" if grains else ""
    op = "+" if delta > 0 else "-"
    return (f"    INSERT INTO {name} ({cols}, n)\n    SELECT {vals}, {delta}\n   {frm} WHERE {sqlite_cond(kind, x)}\n"
            f"    ON CONFLICT ({cols}) DO UPDATE SET n = n {op} 1;\n")

def sqlite_partner_of_resolution(x, delta):
    op = "+" if delta > 0 else "-"
    return (f"    INSERT INTO partner_open_due ({', '.join(PARTNER_KEYS)}, n)\n"
            f"    SELECT p.organisation_id, g.grain, {sqlite_expr('period', x)},\n"
            f"           {x}.status, p.organisation_id = {x}.lead_org_id, {delta}\n"
            f"    FROM resolution_partners p, counter_grains g WHERE p.resolution_id = {x}.id AND {x}.status {OPEN}\n"
            f"    ON CONFLICT ({', '.join(PARTNER_KEYS)}) DO UPDATE SET n = n {op} 1;\n")

def sqlite_partner_row(x, delta):
    op = "+" if delta > 0 else "-"
    return (f"    INSERT INTO partner_open_due ({', '.join(PARTNER_KEYS)}, n)\n"
            f"    SELECT {x}.organisation_id, g.grain, {sqlite_expr('period', 'r')},\n"
            f"           r.status, {x}.organisation_id = r.lead_org_id, {delta}\n"
            f"    FROM resolutions r, counter_grains g WHERE r.id = {x}.resolution_id AND r.status {OPEN}\n"
            f"    ON CONFLICT ({', '.join(PARTNER_KEYS)}) DO UPDATE SET n = n {op} 1;\n")

def sqlite_all(x, delta):
    s = "".join(sqlite_counter(n, k, c, g, x, delta) for (n, k, c, g) in COUNTERS)
    return s + sqlite_partner_of_resolution(x, delta)

SQLITE_CLEANUP = """    -- Day counters come and go with deadlines; emptied ones are removed.
    DELETE FROM resolution_open_due WHERE n = 0 AND lead_org_id = OLD.lead_org_id AND grain = 'd' AND period = OLD.deadline;
    DELETE FROM resolution_open_due_district WHERE n = 0 AND district_id = COALESCE(OLD.district_id, 0) AND grain = 'd' AND period = OLD.deadline;
    DELETE FROM partner_open_due WHERE n = 0 AND grain = 'd' AND period = OLD.deadline
        AND organisation_id IN (SELECT organisation_id FROM resolution_partners WHERE resolution_id = OLD.id);
"""

def pg_expr(col):
    return {
        "grain": "g.grain",
        "period": "counter_period(g.grain, r.deadline)",
        "days": "r.days",
    }.get(col, f"r.{col}")

def pg_cond(kind):
    return {"all": "TRUE", "open": f"r.status {OPEN}", "done": "r.status = 'done' AND r.days IS NOT NULL"}[kind]

def pg_counter(name, keys, kind, grains):
    cols = ", ".join(keys)
    vals = ", ".join(pg_expr(k) for k in keys)
    frm = "unnest(rs) r" + (" CROSS JOIN (VALUES ('y'), ('m'), ('d')) AS g(grain)" if grains else "")
    idx = ", ".join(str(i + 1) for i in range(len(keys)))
    return (f"    INSERT INTO {name} AS t ({cols}, n)\n    SELECT {vals}, delta * COUNT(*)\n    FROM {frm} WHERE {pg_cond(kind)}\n"
            f"    GROUP BY {idx} ORDER BY {idx}\n    ON CONFLICT ({cols}) DO UPDATE SET n = t.n + EXCLUDED.n;\n\n")

def ddl(backend):
    big = "BIGINT" if backend == "postgres" else "INTEGER"
    small = "SMALLINT" if backend == "postgres" else "INTEGER"
    date = "DATE" if backend == "postgres" else "TEXT"
    types = {"lead_org_id": big, "district_id": big, "domain": "TEXT", "status": "TEXT", "late": small,
             "grain": "TEXT", "period": date, "days": big, "organisation_id": big, "leads": small}
    tail = ") WITH (fillfactor = 70);" if backend == "postgres" else ") WITHOUT ROWID;"
    out = []
    def table(name, keys, comment):
        lines = [f"-- {comment}", f"CREATE TABLE {name} ("]
        for k in keys:
            chk = " CHECK (grain IN ('y','m','d'))" if k == "grain" else ""
            lines.append(f"    {k:<16} {types[k]} NOT NULL{chk},")
        lines.append(f"    {'n':<16} {big} NOT NULL,")
        lines.append(f"    PRIMARY KEY ({', '.join(keys)})")
        lines.append(tail)
        out.append("\n".join(lines))
    comments = {
        "resolution_tally": "All resolutions by lead, domain, status and lateness (late: 1, 0, or -1 when unset).",
        "resolution_tally_district": "The same per district (0: city-wide resolutions).",
        "resolution_open_due": "Open resolutions (approved, in progress) by deadline at the three grains.",
        "resolution_open_due_district": "The same per district.",
        "resolution_done_days": "Done resolutions by days from approval to done (the median's histogram).",
        "resolution_done_days_district": "The same per district.",
    }
    for (n, k, c, g) in COUNTERS:
        table(n, k, comments[n])
    table("partner_open_due", PARTNER_KEYS, "Partner rows of open resolutions by deadline; leads = 1 when the partner also leads it.")
    if backend == "sqlite":
        out.append("-- Covering (n included): one organisation's counters without the table.\n"
                   "CREATE INDEX resolution_open_due_lead ON resolution_open_due(lead_org_id, grain, period, status, n);")
    else:
        out.append("-- One organisation's counters. Unlike SQLite's this leaves n out, so that changing a count\n"
                   "-- is a HOT update that touches no index.\n"
                   "CREATE INDEX resolution_open_due_lead ON resolution_open_due(lead_org_id, grain, period);")
    out.append("-- An organisation's resolutions in deadline order (its inbox's first page without sorting all\n"
               "-- of them; the partial index of 0002 covers open ones only).\n"
               "CREATE INDEX resolutions_lead_deadline ON resolutions(lead_org_id, deadline, id);")
    out.append("-- The three grains, joined to each counted row.\n"
               f"CREATE TABLE counter_grains (grain TEXT PRIMARY KEY){' WITHOUT ROWID' if backend == 'sqlite' else ''};\n"
               "INSERT INTO counter_grains (grain) VALUES ('y'), ('m'), ('d');")
    return "\n\n".join(out) + "\n"

def fill(backend):
    out = ["-- The counts of the rows already there."]
    for (n, keys, kind, grains) in COUNTERS:
        cols = ", ".join(keys)
        if backend == "sqlite":
            vals = ", ".join(sqlite_expr(k, "r") for k in keys)
            cond = sqlite_cond(kind, "r")
        else:
            m = {"district_id": "COALESCE(r.district_id, 0)", "late": "CASE WHEN r.done_late IS NULL THEN -1 WHEN r.done_late THEN 1 ELSE 0 END",
                 "grain": "g.grain", "period": "counter_period(g.grain, r.deadline)", "days": "r.days_to_done"}
            vals = ", ".join(m.get(k, f"r.{k}") for k in keys)
            cond = sqlite_cond(kind, "r").replace("1", "TRUE") if kind == "all" else sqlite_cond(kind, "r")
        frm = "resolutions r" + (" CROSS JOIN counter_grains g" if grains else "")
        idx = ", ".join(str(i + 1) for i in range(len(keys)))
        out.append(f"INSERT INTO {n} ({cols}, n)\nSELECT {vals}, COUNT(*)\nFROM {frm} WHERE {cond} GROUP BY {idx};")
    period = sqlite_expr("period", "r") if backend == "sqlite" else "counter_period(g.grain, r.deadline)"
    leads = "p.organisation_id = r.lead_org_id" if backend == "sqlite" else "(p.organisation_id = r.lead_org_id)::INT::SMALLINT"
    out.append(f"INSERT INTO partner_open_due ({', '.join(PARTNER_KEYS)}, n)\n"
               f"SELECT p.organisation_id, g.grain, {period}, r.status, {leads}, COUNT(*)\n"
               f"FROM resolution_partners p JOIN resolutions r ON r.id = p.resolution_id CROSS JOIN counter_grains g\n"
               f"WHERE r.status {OPEN} GROUP BY 1, 2, 3, 4, 5;")
    return "\n".join(out) + "\n"

HEADER = """-- Counters of the follow-up views (issue: inbox and accountability under 50 ms with 250,000
-- resolutions). Kept table-for-table identical to ../{other}/0004_followup_counters.sql; {how}
-- Generated, with its twin, by crates/mahalle-db/tools/gen_0004_counters.py from one list of
-- counters. Shipped migrations are never edited: change counters in a later migration.
--
-- Every counter is a COUNT(*) of resolutions (or partner rows) grouped by its key, kept by
-- triggers in the same transaction as the change, so bulk loads that insert rows directly are
-- counted too. A city-wide resolution has district_id 0 in the *_district counters (keys cannot
-- be NULL). Rows whose count fell to 0 may stay; readers sum, so they change nothing. The
-- city-wide counters have no district column, so the views without a district filter read a few
-- thousand rows at most.
--
-- "Overdue" depends on today, so open work is counted by deadline at three grains: each open
-- resolution adds 1 to its year ('y', period = 1 January), its month ('m', period = the 1st) and
-- its day ('d', period = the deadline). Any deadline range is then a few whole years, months and
-- days (see `counters::cover`), whatever today is.
"""

def sqlite_file():
    s = HEADER.format(other="postgres", how="there the counters are\n-- kept by statement-level trigger functions, here by row triggers.")
    s += "\n" + ddl("sqlite") + "\n"
    s += "CREATE TRIGGER resolutions_count_insert AFTER INSERT ON resolutions BEGIN\n" + sqlite_all("NEW", 1) + "END;\n\n"
    s += "CREATE TRIGGER resolutions_count_delete AFTER DELETE ON resolutions BEGIN\n" + sqlite_all("OLD", -1) + SQLITE_CLEANUP + "END;\n\n"
    s += ("-- Only changes of a counted column move counters (progress reports and text edits do not).\n"
          "CREATE TRIGGER resolutions_count_update AFTER UPDATE OF lead_org_id, district_id, domain, status, done_late, deadline, days_to_done ON resolutions\n"
          "WHEN OLD.lead_org_id IS NOT NEW.lead_org_id OR OLD.district_id IS NOT NEW.district_id OR OLD.domain IS NOT NEW.domain\n"
          "  OR OLD.status IS NOT NEW.status OR OLD.done_late IS NOT NEW.done_late OR OLD.deadline IS NOT NEW.deadline\n"
          "  OR OLD.days_to_done IS NOT NEW.days_to_done\nBEGIN\n" + sqlite_all("OLD", -1) + "\n" + sqlite_all("NEW", 1) + "\n" + SQLITE_CLEANUP + "END;\n\n")
    s += "-- A partner added to or removed from an open resolution.\n"
    s += "CREATE TRIGGER resolution_partners_count_insert AFTER INSERT ON resolution_partners BEGIN\n" + sqlite_partner_row("NEW", 1) + "END;\n\n"
    s += "CREATE TRIGGER resolution_partners_count_delete AFTER DELETE ON resolution_partners BEGIN\n" + sqlite_partner_row("OLD", -1) + "END;\n\n"
    s += "CREATE TRIGGER resolution_partners_count_update AFTER UPDATE ON resolution_partners BEGIN\n" + sqlite_partner_row("OLD", -1) + sqlite_partner_row("NEW", 1) + "END;\n\n"
    s += fill("sqlite")
    return s

PG_FUNCS = """-- The period of a deadline at a grain.
CREATE FUNCTION counter_period(grain TEXT, d DATE) RETURNS DATE LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE grain WHEN 'y' THEN d - (EXTRACT(DOY FROM d)::INT - 1)
                      WHEN 'm' THEN d - (EXTRACT(DAY FROM d)::INT - 1)
                      ELSE d END
$$;

-- What the counters need of a resolution.
CREATE TYPE counted_resolution AS (
    id           BIGINT,
    lead_org_id  BIGINT,
    district_id  BIGINT,
    domain       TEXT,
    status       TEXT,
    late         SMALLINT,
    deadline     DATE,
    days         BIGINT
);

CREATE FUNCTION counted(r resolutions) RETURNS counted_resolution LANGUAGE sql IMMUTABLE AS $$
    SELECT ROW(r.id, r.lead_org_id, COALESCE(r.district_id, 0), r.domain, r.status,
               CASE WHEN r.done_late IS NULL THEN -1 WHEN r.done_late THEN 1 ELSE 0 END,
               r.deadline, r.days_to_done)::counted_resolution
$$;

-- Adds `delta` (1 or -1) per resolution to every counter it belongs to. Keys are written in
-- sorted order, so concurrent writers wait for each other rather than deadlock. The grains come
-- from VALUES (not counter_grains), so the planner knows there are three.
-- PL/pgSQL rather than SQL: a session plans these statements once, not on every call.
CREATE FUNCTION count_resolutions(rs counted_resolution[], delta BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
{counters}    INSERT INTO partner_open_due AS t (organisation_id, grain, period, status, leads, n)
    SELECT p.organisation_id, g.grain, counter_period(g.grain, r.deadline), r.status,
           (p.organisation_id = r.lead_org_id)::INT::SMALLINT, delta * COUNT(*)
    FROM unnest(rs) r JOIN resolution_partners p ON p.resolution_id = r.id CROSS JOIN (VALUES ('y'), ('m'), ('d')) AS g(grain)
    WHERE r.status IN ('approved','in_progress')
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (organisation_id, grain, period, status, leads) DO UPDATE SET n = t.n + EXCLUDED.n;

    -- Day counters come and go with deadlines; emptied ones are removed.
    IF delta < 0 THEN
        DELETE FROM resolution_open_due t USING (SELECT DISTINCT r.lead_org_id, r.deadline FROM unnest(rs) r) k
        WHERE t.n = 0 AND t.grain = 'd' AND t.lead_org_id = k.lead_org_id AND t.period = k.deadline;
        DELETE FROM resolution_open_due_district t USING (SELECT DISTINCT r.district_id, r.deadline FROM unnest(rs) r) k
        WHERE t.n = 0 AND t.district_id = k.district_id AND t.grain = 'd' AND t.period = k.deadline;
        DELETE FROM partner_open_due t
        USING (SELECT DISTINCT p.organisation_id, r.deadline FROM unnest(rs) r JOIN resolution_partners p ON p.resolution_id = r.id) k
        WHERE t.n = 0 AND t.grain = 'd' AND t.organisation_id = k.organisation_id AND t.period = k.deadline;
    END IF;
END
$$;

-- Adds `delta` per partner row (resolution_id, organisation_id) of an open resolution.
CREATE FUNCTION count_partners(ps resolution_partners[], delta BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO partner_open_due AS t (organisation_id, grain, period, status, leads, n)
    SELECT p.organisation_id, g.grain, counter_period(g.grain, r.deadline), r.status,
           (p.organisation_id = r.lead_org_id)::INT::SMALLINT, delta * COUNT(*)
    FROM unnest(ps) p JOIN resolutions r ON r.id = p.resolution_id CROSS JOIN (VALUES ('y'), ('m'), ('d')) AS g(grain)
    WHERE r.status IN ('approved','in_progress')
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (organisation_id, grain, period, status, leads) DO UPDATE SET n = t.n + EXCLUDED.n;
END
$$;

CREATE FUNCTION resolutions_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    olds counted_resolution[];
    news counted_resolution[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM count_resolutions(ARRAY(SELECT counted(n) FROM new_rows n), 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM count_resolutions(ARRAY(SELECT counted(o) FROM old_rows o), -1);
    ELSE
        -- Only changes of a counted column move counters (progress reports and edits do not).
        SELECT array_agg(counted(o)), array_agg(counted(n)) INTO olds, news
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE counted(o) IS DISTINCT FROM counted(n);
        IF olds IS NOT NULL THEN
            PERFORM count_resolutions(olds, -1);
            PERFORM count_resolutions(news, 1);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER resolutions_count_insert AFTER INSERT ON resolutions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resolutions_count();
CREATE TRIGGER resolutions_count_update AFTER UPDATE ON resolutions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resolutions_count();
CREATE TRIGGER resolutions_count_delete AFTER DELETE ON resolutions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION resolutions_count();

CREATE FUNCTION resolution_partners_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM count_partners(ARRAY(SELECT ROW(n.resolution_id, n.organisation_id)::resolution_partners FROM new_rows n), 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM count_partners(ARRAY(SELECT ROW(o.resolution_id, o.organisation_id)::resolution_partners FROM old_rows o), -1);
    ELSE
        PERFORM count_partners(ARRAY(SELECT ROW(o.resolution_id, o.organisation_id)::resolution_partners FROM old_rows o), -1);
        PERFORM count_partners(ARRAY(SELECT ROW(n.resolution_id, n.organisation_id)::resolution_partners FROM new_rows n), 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER resolution_partners_count_insert AFTER INSERT ON resolution_partners
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resolution_partners_count();
CREATE TRIGGER resolution_partners_count_update AFTER UPDATE ON resolution_partners
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resolution_partners_count();
CREATE TRIGGER resolution_partners_count_delete AFTER DELETE ON resolution_partners
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION resolution_partners_count();
"""

def pg_file():
    s = HEADER.format(other="sqlite", how="there the counters are kept\n-- by row triggers, here by statement-level triggers over transition tables, so a bulk insert of\n-- thousands of rows adds to each counter once.")
    s += "--\n-- Concurrency: writers of resolutions with the same counter key wait for each other's commit\n-- (the counter row is locked by the upsert).\n"
    s += "\n" + ddl("postgres") + "\n"
    s += PG_FUNCS.replace("{counters}", "".join(pg_counter(n, k, c, g) for (n, k, c, g) in COUNTERS)) + "\n"
    s += fill("postgres")
    return s

import sys
base = sys.argv[1]
open(f"{base}/sqlite/0004_followup_counters.sql", "w").write(sqlite_file())
open(f"{base}/postgres/0004_followup_counters.sql", "w").write(pg_file())
