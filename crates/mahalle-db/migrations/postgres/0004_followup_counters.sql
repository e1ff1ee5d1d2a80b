-- Counters of the follow-up views (issue: inbox and accountability under 50 ms with 250,000
-- resolutions). Kept table-for-table identical to ../sqlite/0004_followup_counters.sql; there the counters are kept
-- by row triggers, here by statement-level triggers over transition tables, so a bulk insert of
-- thousands of rows adds to each counter once.
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
--
-- Concurrency: writers of resolutions with the same counter key wait for each other's commit
-- (the counter row is locked by the upsert).

-- All resolutions by lead, domain, status and lateness (late: 1, 0, or -1 when unset).
CREATE TABLE resolution_tally (
    lead_org_id      BIGINT NOT NULL,
    domain           TEXT NOT NULL,
    status           TEXT NOT NULL,
    late             SMALLINT NOT NULL,
    n                BIGINT NOT NULL,
    PRIMARY KEY (lead_org_id, domain, status, late)
) WITH (fillfactor = 70);

-- The same per district (0: city-wide resolutions).
CREATE TABLE resolution_tally_district (
    district_id      BIGINT NOT NULL,
    lead_org_id      BIGINT NOT NULL,
    domain           TEXT NOT NULL,
    status           TEXT NOT NULL,
    late             SMALLINT NOT NULL,
    n                BIGINT NOT NULL,
    PRIMARY KEY (district_id, lead_org_id, domain, status, late)
) WITH (fillfactor = 70);

-- Open resolutions (approved, in progress) by deadline at the three grains.
CREATE TABLE resolution_open_due (
    grain            TEXT NOT NULL CHECK (grain IN ('y','m','d')),
    period           DATE NOT NULL,
    lead_org_id      BIGINT NOT NULL,
    domain           TEXT NOT NULL,
    status           TEXT NOT NULL,
    n                BIGINT NOT NULL,
    PRIMARY KEY (grain, period, lead_org_id, domain, status)
) WITH (fillfactor = 70);

-- The same per district.
CREATE TABLE resolution_open_due_district (
    district_id      BIGINT NOT NULL,
    grain            TEXT NOT NULL CHECK (grain IN ('y','m','d')),
    period           DATE NOT NULL,
    lead_org_id      BIGINT NOT NULL,
    domain           TEXT NOT NULL,
    status           TEXT NOT NULL,
    n                BIGINT NOT NULL,
    PRIMARY KEY (district_id, grain, period, lead_org_id, domain, status)
) WITH (fillfactor = 70);

-- Done resolutions by days from approval to done (the median's histogram).
CREATE TABLE resolution_done_days (
    lead_org_id      BIGINT NOT NULL,
    domain           TEXT NOT NULL,
    days             BIGINT NOT NULL,
    n                BIGINT NOT NULL,
    PRIMARY KEY (lead_org_id, domain, days)
) WITH (fillfactor = 70);

-- The same per district.
CREATE TABLE resolution_done_days_district (
    district_id      BIGINT NOT NULL,
    lead_org_id      BIGINT NOT NULL,
    domain           TEXT NOT NULL,
    days             BIGINT NOT NULL,
    n                BIGINT NOT NULL,
    PRIMARY KEY (district_id, lead_org_id, domain, days)
) WITH (fillfactor = 70);

-- Partner rows of open resolutions by deadline; leads = 1 when the partner also leads it.
CREATE TABLE partner_open_due (
    organisation_id  BIGINT NOT NULL,
    grain            TEXT NOT NULL CHECK (grain IN ('y','m','d')),
    period           DATE NOT NULL,
    status           TEXT NOT NULL,
    leads            SMALLINT NOT NULL,
    n                BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, grain, period, status, leads)
) WITH (fillfactor = 70);

-- One organisation's counters. Unlike SQLite's this leaves n out, so that changing a count
-- is a HOT update that touches no index.
CREATE INDEX resolution_open_due_lead ON resolution_open_due(lead_org_id, grain, period);

-- An organisation's resolutions in deadline order (its inbox's first page without sorting all
-- of them; the partial index of 0002 covers open ones only).
CREATE INDEX resolutions_lead_deadline ON resolutions(lead_org_id, deadline, id);

-- The three grains, joined to each counted row.
CREATE TABLE counter_grains (grain TEXT PRIMARY KEY);
INSERT INTO counter_grains (grain) VALUES ('y'), ('m'), ('d');

-- The period of a deadline at a grain.
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
    INSERT INTO resolution_tally AS t (lead_org_id, domain, status, late, n)
    SELECT r.lead_org_id, r.domain, r.status, r.late, delta * COUNT(*)
    FROM unnest(rs) r WHERE TRUE
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (lead_org_id, domain, status, late) DO UPDATE SET n = t.n + EXCLUDED.n;

    INSERT INTO resolution_tally_district AS t (district_id, lead_org_id, domain, status, late, n)
    SELECT r.district_id, r.lead_org_id, r.domain, r.status, r.late, delta * COUNT(*)
    FROM unnest(rs) r WHERE TRUE
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (district_id, lead_org_id, domain, status, late) DO UPDATE SET n = t.n + EXCLUDED.n;

    INSERT INTO resolution_open_due AS t (grain, period, lead_org_id, domain, status, n)
    SELECT g.grain, counter_period(g.grain, r.deadline), r.lead_org_id, r.domain, r.status, delta * COUNT(*)
    FROM unnest(rs) r CROSS JOIN (VALUES ('y'), ('m'), ('d')) AS g(grain) WHERE r.status IN ('approved','in_progress')
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (grain, period, lead_org_id, domain, status) DO UPDATE SET n = t.n + EXCLUDED.n;

    INSERT INTO resolution_open_due_district AS t (district_id, grain, period, lead_org_id, domain, status, n)
    SELECT r.district_id, g.grain, counter_period(g.grain, r.deadline), r.lead_org_id, r.domain, r.status, delta * COUNT(*)
    FROM unnest(rs) r CROSS JOIN (VALUES ('y'), ('m'), ('d')) AS g(grain) WHERE r.status IN ('approved','in_progress')
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (district_id, grain, period, lead_org_id, domain, status) DO UPDATE SET n = t.n + EXCLUDED.n;

    INSERT INTO resolution_done_days AS t (lead_org_id, domain, days, n)
    SELECT r.lead_org_id, r.domain, r.days, delta * COUNT(*)
    FROM unnest(rs) r WHERE r.status = 'done' AND r.days IS NOT NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (lead_org_id, domain, days) DO UPDATE SET n = t.n + EXCLUDED.n;

    INSERT INTO resolution_done_days_district AS t (district_id, lead_org_id, domain, days, n)
    SELECT r.district_id, r.lead_org_id, r.domain, r.days, delta * COUNT(*)
    FROM unnest(rs) r WHERE r.status = 'done' AND r.days IS NOT NULL
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (district_id, lead_org_id, domain, days) DO UPDATE SET n = t.n + EXCLUDED.n;

    INSERT INTO partner_open_due AS t (organisation_id, grain, period, status, leads, n)
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

-- The counts of the rows already there.
INSERT INTO resolution_tally (lead_org_id, domain, status, late, n)
SELECT r.lead_org_id, r.domain, r.status, CASE WHEN r.done_late IS NULL THEN -1 WHEN r.done_late THEN 1 ELSE 0 END, COUNT(*)
FROM resolutions r WHERE TRUE GROUP BY 1, 2, 3, 4;
INSERT INTO resolution_tally_district (district_id, lead_org_id, domain, status, late, n)
SELECT COALESCE(r.district_id, 0), r.lead_org_id, r.domain, r.status, CASE WHEN r.done_late IS NULL THEN -1 WHEN r.done_late THEN 1 ELSE 0 END, COUNT(*)
FROM resolutions r WHERE TRUE GROUP BY 1, 2, 3, 4, 5;
INSERT INTO resolution_open_due (grain, period, lead_org_id, domain, status, n)
SELECT g.grain, counter_period(g.grain, r.deadline), r.lead_org_id, r.domain, r.status, COUNT(*)
FROM resolutions r CROSS JOIN counter_grains g WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5;
INSERT INTO resolution_open_due_district (district_id, grain, period, lead_org_id, domain, status, n)
SELECT COALESCE(r.district_id, 0), g.grain, counter_period(g.grain, r.deadline), r.lead_org_id, r.domain, r.status, COUNT(*)
FROM resolutions r CROSS JOIN counter_grains g WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO resolution_done_days (lead_org_id, domain, days, n)
SELECT r.lead_org_id, r.domain, r.days_to_done, COUNT(*)
FROM resolutions r WHERE r.status = 'done' AND r.days_to_done IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO resolution_done_days_district (district_id, lead_org_id, domain, days, n)
SELECT COALESCE(r.district_id, 0), r.lead_org_id, r.domain, r.days_to_done, COUNT(*)
FROM resolutions r WHERE r.status = 'done' AND r.days_to_done IS NOT NULL GROUP BY 1, 2, 3, 4;
INSERT INTO partner_open_due (organisation_id, grain, period, status, leads, n)
SELECT p.organisation_id, g.grain, counter_period(g.grain, r.deadline), r.status, (p.organisation_id = r.lead_org_id)::INT::SMALLINT, COUNT(*)
FROM resolution_partners p JOIN resolutions r ON r.id = p.resolution_id CROSS JOIN counter_grains g
WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5;
