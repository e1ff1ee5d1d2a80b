-- Counters of the follow-up views (issue: inbox and accountability under 50 ms with 250,000
-- resolutions). Kept table-for-table identical to ../postgres/0004_followup_counters.sql; there the counters are
-- kept by statement-level trigger functions, here by row triggers.
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

-- All resolutions by lead, domain, status and lateness (late: 1, 0, or -1 when unset).
CREATE TABLE resolution_tally (
    lead_org_id      INTEGER NOT NULL,
    domain           TEXT NOT NULL,
    status           TEXT NOT NULL,
    late             INTEGER NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (lead_org_id, domain, status, late)
) WITHOUT ROWID;

-- The same per district (0: city-wide resolutions).
CREATE TABLE resolution_tally_district (
    district_id      INTEGER NOT NULL,
    lead_org_id      INTEGER NOT NULL,
    domain           TEXT NOT NULL,
    status           TEXT NOT NULL,
    late             INTEGER NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (district_id, lead_org_id, domain, status, late)
) WITHOUT ROWID;

-- Open resolutions (approved, in progress) by deadline at the three grains.
CREATE TABLE resolution_open_due (
    grain            TEXT NOT NULL CHECK (grain IN ('y','m','d')),
    period           TEXT NOT NULL,
    lead_org_id      INTEGER NOT NULL,
    domain           TEXT NOT NULL,
    status           TEXT NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (grain, period, lead_org_id, domain, status)
) WITHOUT ROWID;

-- The same per district.
CREATE TABLE resolution_open_due_district (
    district_id      INTEGER NOT NULL,
    grain            TEXT NOT NULL CHECK (grain IN ('y','m','d')),
    period           TEXT NOT NULL,
    lead_org_id      INTEGER NOT NULL,
    domain           TEXT NOT NULL,
    status           TEXT NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (district_id, grain, period, lead_org_id, domain, status)
) WITHOUT ROWID;

-- Done resolutions by days from approval to done (the median's histogram).
CREATE TABLE resolution_done_days (
    lead_org_id      INTEGER NOT NULL,
    domain           TEXT NOT NULL,
    days             INTEGER NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (lead_org_id, domain, days)
) WITHOUT ROWID;

-- The same per district.
CREATE TABLE resolution_done_days_district (
    district_id      INTEGER NOT NULL,
    lead_org_id      INTEGER NOT NULL,
    domain           TEXT NOT NULL,
    days             INTEGER NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (district_id, lead_org_id, domain, days)
) WITHOUT ROWID;

-- Partner rows of open resolutions by deadline; leads = 1 when the partner also leads it.
CREATE TABLE partner_open_due (
    organisation_id  INTEGER NOT NULL,
    grain            TEXT NOT NULL CHECK (grain IN ('y','m','d')),
    period           TEXT NOT NULL,
    status           TEXT NOT NULL,
    leads            INTEGER NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, grain, period, status, leads)
) WITHOUT ROWID;

-- Covering (n included): one organisation's counters without the table.
CREATE INDEX resolution_open_due_lead ON resolution_open_due(lead_org_id, grain, period, status, n);

-- An organisation's resolutions in deadline order (its inbox's first page without sorting all
-- of them; the partial index of 0002 covers open ones only).
CREATE INDEX resolutions_lead_deadline ON resolutions(lead_org_id, deadline, id);

-- The three grains, joined to each counted row.
CREATE TABLE counter_grains (grain TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO counter_grains (grain) VALUES ('y'), ('m'), ('d');

CREATE TRIGGER resolutions_count_insert AFTER INSERT ON resolutions BEGIN
    INSERT INTO resolution_tally (lead_org_id, domain, status, late, n)
    SELECT NEW.lead_org_id,
           NEW.domain,
           NEW.status,
           COALESCE(NEW.done_late, -1), 1
    WHERE 1
    ON CONFLICT (lead_org_id, domain, status, late) DO UPDATE SET n = n + 1;
    INSERT INTO resolution_tally_district (district_id, lead_org_id, domain, status, late, n)
    SELECT COALESCE(NEW.district_id, 0),
           NEW.lead_org_id,
           NEW.domain,
           NEW.status,
           COALESCE(NEW.done_late, -1), 1
    WHERE 1
    ON CONFLICT (district_id, lead_org_id, domain, status, late) DO UPDATE SET n = n + 1;
    INSERT INTO resolution_open_due (grain, period, lead_org_id, domain, status, n)
    SELECT g.grain,
           CASE g.grain WHEN 'y' THEN substr(NEW.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(NEW.deadline, 1, 7) || '-01' ELSE NEW.deadline END,
           NEW.lead_org_id,
           NEW.domain,
           NEW.status, 1
    FROM counter_grains g WHERE NEW.status IN ('approved','in_progress')
    ON CONFLICT (grain, period, lead_org_id, domain, status) DO UPDATE SET n = n + 1;
    INSERT INTO resolution_open_due_district (district_id, grain, period, lead_org_id, domain, status, n)
    SELECT COALESCE(NEW.district_id, 0),
           g.grain,
           CASE g.grain WHEN 'y' THEN substr(NEW.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(NEW.deadline, 1, 7) || '-01' ELSE NEW.deadline END,
           NEW.lead_org_id,
           NEW.domain,
           NEW.status, 1
    FROM counter_grains g WHERE NEW.status IN ('approved','in_progress')
    ON CONFLICT (district_id, grain, period, lead_org_id, domain, status) DO UPDATE SET n = n + 1;
    INSERT INTO resolution_done_days (lead_org_id, domain, days, n)
    SELECT NEW.lead_org_id,
           NEW.domain,
           NEW.days_to_done, 1
    WHERE NEW.status = 'done' AND NEW.days_to_done IS NOT NULL
    ON CONFLICT (lead_org_id, domain, days) DO UPDATE SET n = n + 1;
    INSERT INTO resolution_done_days_district (district_id, lead_org_id, domain, days, n)
    SELECT COALESCE(NEW.district_id, 0),
           NEW.lead_org_id,
           NEW.domain,
           NEW.days_to_done, 1
    WHERE NEW.status = 'done' AND NEW.days_to_done IS NOT NULL
    ON CONFLICT (district_id, lead_org_id, domain, days) DO UPDATE SET n = n + 1;
    INSERT INTO partner_open_due (organisation_id, grain, period, status, leads, n)
    SELECT p.organisation_id, g.grain, CASE g.grain WHEN 'y' THEN substr(NEW.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(NEW.deadline, 1, 7) || '-01' ELSE NEW.deadline END,
           NEW.status, p.organisation_id = NEW.lead_org_id, 1
    FROM resolution_partners p, counter_grains g WHERE p.resolution_id = NEW.id AND NEW.status IN ('approved','in_progress')
    ON CONFLICT (organisation_id, grain, period, status, leads) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER resolutions_count_delete AFTER DELETE ON resolutions BEGIN
    INSERT INTO resolution_tally (lead_org_id, domain, status, late, n)
    SELECT OLD.lead_org_id,
           OLD.domain,
           OLD.status,
           COALESCE(OLD.done_late, -1), -1
    WHERE 1
    ON CONFLICT (lead_org_id, domain, status, late) DO UPDATE SET n = n - 1;
    INSERT INTO resolution_tally_district (district_id, lead_org_id, domain, status, late, n)
    SELECT COALESCE(OLD.district_id, 0),
           OLD.lead_org_id,
           OLD.domain,
           OLD.status,
           COALESCE(OLD.done_late, -1), -1
    WHERE 1
    ON CONFLICT (district_id, lead_org_id, domain, status, late) DO UPDATE SET n = n - 1;
    INSERT INTO resolution_open_due (grain, period, lead_org_id, domain, status, n)
    SELECT g.grain,
           CASE g.grain WHEN 'y' THEN substr(OLD.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(OLD.deadline, 1, 7) || '-01' ELSE OLD.deadline END,
           OLD.lead_org_id,
           OLD.domain,
           OLD.status, -1
    FROM counter_grains g WHERE OLD.status IN ('approved','in_progress')
    ON CONFLICT (grain, period, lead_org_id, domain, status) DO UPDATE SET n = n - 1;
    INSERT INTO resolution_open_due_district (district_id, grain, period, lead_org_id, domain, status, n)
    SELECT COALESCE(OLD.district_id, 0),
           g.grain,
           CASE g.grain WHEN 'y' THEN substr(OLD.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(OLD.deadline, 1, 7) || '-01' ELSE OLD.deadline END,
           OLD.lead_org_id,
           OLD.domain,
           OLD.status, -1
    FROM counter_grains g WHERE OLD.status IN ('approved','in_progress')
    ON CONFLICT (district_id, grain, period, lead_org_id, domain, status) DO UPDATE SET n = n - 1;
    INSERT INTO resolution_done_days (lead_org_id, domain, days, n)
    SELECT OLD.lead_org_id,
           OLD.domain,
           OLD.days_to_done, -1
    WHERE OLD.status = 'done' AND OLD.days_to_done IS NOT NULL
    ON CONFLICT (lead_org_id, domain, days) DO UPDATE SET n = n - 1;
    INSERT INTO resolution_done_days_district (district_id, lead_org_id, domain, days, n)
    SELECT COALESCE(OLD.district_id, 0),
           OLD.lead_org_id,
           OLD.domain,
           OLD.days_to_done, -1
    WHERE OLD.status = 'done' AND OLD.days_to_done IS NOT NULL
    ON CONFLICT (district_id, lead_org_id, domain, days) DO UPDATE SET n = n - 1;
    INSERT INTO partner_open_due (organisation_id, grain, period, status, leads, n)
    SELECT p.organisation_id, g.grain, CASE g.grain WHEN 'y' THEN substr(OLD.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(OLD.deadline, 1, 7) || '-01' ELSE OLD.deadline END,
           OLD.status, p.organisation_id = OLD.lead_org_id, -1
    FROM resolution_partners p, counter_grains g WHERE p.resolution_id = OLD.id AND OLD.status IN ('approved','in_progress')
    ON CONFLICT (organisation_id, grain, period, status, leads) DO UPDATE SET n = n - 1;
    -- Day counters come and go with deadlines; emptied ones are removed.
    DELETE FROM resolution_open_due WHERE n = 0 AND lead_org_id = OLD.lead_org_id AND grain = 'd' AND period = OLD.deadline;
    DELETE FROM resolution_open_due_district WHERE n = 0 AND district_id = COALESCE(OLD.district_id, 0) AND grain = 'd' AND period = OLD.deadline;
    DELETE FROM partner_open_due WHERE n = 0 AND grain = 'd' AND period = OLD.deadline
        AND organisation_id IN (SELECT organisation_id FROM resolution_partners WHERE resolution_id = OLD.id);
END;

-- Only changes of a counted column move counters (progress reports and text edits do not).
CREATE TRIGGER resolutions_count_update AFTER UPDATE OF lead_org_id, district_id, domain, status, done_late, deadline, days_to_done ON resolutions
WHEN OLD.lead_org_id IS NOT NEW.lead_org_id OR OLD.district_id IS NOT NEW.district_id OR OLD.domain IS NOT NEW.domain
  OR OLD.status IS NOT NEW.status OR OLD.done_late IS NOT NEW.done_late OR OLD.deadline IS NOT NEW.deadline
  OR OLD.days_to_done IS NOT NEW.days_to_done
BEGIN
    INSERT INTO resolution_tally (lead_org_id, domain, status, late, n)
    SELECT OLD.lead_org_id,
           OLD.domain,
           OLD.status,
           COALESCE(OLD.done_late, -1), -1
    WHERE 1
    ON CONFLICT (lead_org_id, domain, status, late) DO UPDATE SET n = n - 1;
    INSERT INTO resolution_tally_district (district_id, lead_org_id, domain, status, late, n)
    SELECT COALESCE(OLD.district_id, 0),
           OLD.lead_org_id,
           OLD.domain,
           OLD.status,
           COALESCE(OLD.done_late, -1), -1
    WHERE 1
    ON CONFLICT (district_id, lead_org_id, domain, status, late) DO UPDATE SET n = n - 1;
    INSERT INTO resolution_open_due (grain, period, lead_org_id, domain, status, n)
    SELECT g.grain,
           CASE g.grain WHEN 'y' THEN substr(OLD.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(OLD.deadline, 1, 7) || '-01' ELSE OLD.deadline END,
           OLD.lead_org_id,
           OLD.domain,
           OLD.status, -1
    FROM counter_grains g WHERE OLD.status IN ('approved','in_progress')
    ON CONFLICT (grain, period, lead_org_id, domain, status) DO UPDATE SET n = n - 1;
    INSERT INTO resolution_open_due_district (district_id, grain, period, lead_org_id, domain, status, n)
    SELECT COALESCE(OLD.district_id, 0),
           g.grain,
           CASE g.grain WHEN 'y' THEN substr(OLD.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(OLD.deadline, 1, 7) || '-01' ELSE OLD.deadline END,
           OLD.lead_org_id,
           OLD.domain,
           OLD.status, -1
    FROM counter_grains g WHERE OLD.status IN ('approved','in_progress')
    ON CONFLICT (district_id, grain, period, lead_org_id, domain, status) DO UPDATE SET n = n - 1;
    INSERT INTO resolution_done_days (lead_org_id, domain, days, n)
    SELECT OLD.lead_org_id,
           OLD.domain,
           OLD.days_to_done, -1
    WHERE OLD.status = 'done' AND OLD.days_to_done IS NOT NULL
    ON CONFLICT (lead_org_id, domain, days) DO UPDATE SET n = n - 1;
    INSERT INTO resolution_done_days_district (district_id, lead_org_id, domain, days, n)
    SELECT COALESCE(OLD.district_id, 0),
           OLD.lead_org_id,
           OLD.domain,
           OLD.days_to_done, -1
    WHERE OLD.status = 'done' AND OLD.days_to_done IS NOT NULL
    ON CONFLICT (district_id, lead_org_id, domain, days) DO UPDATE SET n = n - 1;
    INSERT INTO partner_open_due (organisation_id, grain, period, status, leads, n)
    SELECT p.organisation_id, g.grain, CASE g.grain WHEN 'y' THEN substr(OLD.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(OLD.deadline, 1, 7) || '-01' ELSE OLD.deadline END,
           OLD.status, p.organisation_id = OLD.lead_org_id, -1
    FROM resolution_partners p, counter_grains g WHERE p.resolution_id = OLD.id AND OLD.status IN ('approved','in_progress')
    ON CONFLICT (organisation_id, grain, period, status, leads) DO UPDATE SET n = n - 1;

    INSERT INTO resolution_tally (lead_org_id, domain, status, late, n)
    SELECT NEW.lead_org_id,
           NEW.domain,
           NEW.status,
           COALESCE(NEW.done_late, -1), 1
    WHERE 1
    ON CONFLICT (lead_org_id, domain, status, late) DO UPDATE SET n = n + 1;
    INSERT INTO resolution_tally_district (district_id, lead_org_id, domain, status, late, n)
    SELECT COALESCE(NEW.district_id, 0),
           NEW.lead_org_id,
           NEW.domain,
           NEW.status,
           COALESCE(NEW.done_late, -1), 1
    WHERE 1
    ON CONFLICT (district_id, lead_org_id, domain, status, late) DO UPDATE SET n = n + 1;
    INSERT INTO resolution_open_due (grain, period, lead_org_id, domain, status, n)
    SELECT g.grain,
           CASE g.grain WHEN 'y' THEN substr(NEW.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(NEW.deadline, 1, 7) || '-01' ELSE NEW.deadline END,
           NEW.lead_org_id,
           NEW.domain,
           NEW.status, 1
    FROM counter_grains g WHERE NEW.status IN ('approved','in_progress')
    ON CONFLICT (grain, period, lead_org_id, domain, status) DO UPDATE SET n = n + 1;
    INSERT INTO resolution_open_due_district (district_id, grain, period, lead_org_id, domain, status, n)
    SELECT COALESCE(NEW.district_id, 0),
           g.grain,
           CASE g.grain WHEN 'y' THEN substr(NEW.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(NEW.deadline, 1, 7) || '-01' ELSE NEW.deadline END,
           NEW.lead_org_id,
           NEW.domain,
           NEW.status, 1
    FROM counter_grains g WHERE NEW.status IN ('approved','in_progress')
    ON CONFLICT (district_id, grain, period, lead_org_id, domain, status) DO UPDATE SET n = n + 1;
    INSERT INTO resolution_done_days (lead_org_id, domain, days, n)
    SELECT NEW.lead_org_id,
           NEW.domain,
           NEW.days_to_done, 1
    WHERE NEW.status = 'done' AND NEW.days_to_done IS NOT NULL
    ON CONFLICT (lead_org_id, domain, days) DO UPDATE SET n = n + 1;
    INSERT INTO resolution_done_days_district (district_id, lead_org_id, domain, days, n)
    SELECT COALESCE(NEW.district_id, 0),
           NEW.lead_org_id,
           NEW.domain,
           NEW.days_to_done, 1
    WHERE NEW.status = 'done' AND NEW.days_to_done IS NOT NULL
    ON CONFLICT (district_id, lead_org_id, domain, days) DO UPDATE SET n = n + 1;
    INSERT INTO partner_open_due (organisation_id, grain, period, status, leads, n)
    SELECT p.organisation_id, g.grain, CASE g.grain WHEN 'y' THEN substr(NEW.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(NEW.deadline, 1, 7) || '-01' ELSE NEW.deadline END,
           NEW.status, p.organisation_id = NEW.lead_org_id, 1
    FROM resolution_partners p, counter_grains g WHERE p.resolution_id = NEW.id AND NEW.status IN ('approved','in_progress')
    ON CONFLICT (organisation_id, grain, period, status, leads) DO UPDATE SET n = n + 1;

    -- Day counters come and go with deadlines; emptied ones are removed.
    DELETE FROM resolution_open_due WHERE n = 0 AND lead_org_id = OLD.lead_org_id AND grain = 'd' AND period = OLD.deadline;
    DELETE FROM resolution_open_due_district WHERE n = 0 AND district_id = COALESCE(OLD.district_id, 0) AND grain = 'd' AND period = OLD.deadline;
    DELETE FROM partner_open_due WHERE n = 0 AND grain = 'd' AND period = OLD.deadline
        AND organisation_id IN (SELECT organisation_id FROM resolution_partners WHERE resolution_id = OLD.id);
END;

-- A partner added to or removed from an open resolution.
CREATE TRIGGER resolution_partners_count_insert AFTER INSERT ON resolution_partners BEGIN
    INSERT INTO partner_open_due (organisation_id, grain, period, status, leads, n)
    SELECT NEW.organisation_id, g.grain, CASE g.grain WHEN 'y' THEN substr(r.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(r.deadline, 1, 7) || '-01' ELSE r.deadline END,
           r.status, NEW.organisation_id = r.lead_org_id, 1
    FROM resolutions r, counter_grains g WHERE r.id = NEW.resolution_id AND r.status IN ('approved','in_progress')
    ON CONFLICT (organisation_id, grain, period, status, leads) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER resolution_partners_count_delete AFTER DELETE ON resolution_partners BEGIN
    INSERT INTO partner_open_due (organisation_id, grain, period, status, leads, n)
    SELECT OLD.organisation_id, g.grain, CASE g.grain WHEN 'y' THEN substr(r.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(r.deadline, 1, 7) || '-01' ELSE r.deadline END,
           r.status, OLD.organisation_id = r.lead_org_id, -1
    FROM resolutions r, counter_grains g WHERE r.id = OLD.resolution_id AND r.status IN ('approved','in_progress')
    ON CONFLICT (organisation_id, grain, period, status, leads) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER resolution_partners_count_update AFTER UPDATE ON resolution_partners BEGIN
    INSERT INTO partner_open_due (organisation_id, grain, period, status, leads, n)
    SELECT OLD.organisation_id, g.grain, CASE g.grain WHEN 'y' THEN substr(r.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(r.deadline, 1, 7) || '-01' ELSE r.deadline END,
           r.status, OLD.organisation_id = r.lead_org_id, -1
    FROM resolutions r, counter_grains g WHERE r.id = OLD.resolution_id AND r.status IN ('approved','in_progress')
    ON CONFLICT (organisation_id, grain, period, status, leads) DO UPDATE SET n = n - 1;
    INSERT INTO partner_open_due (organisation_id, grain, period, status, leads, n)
    SELECT NEW.organisation_id, g.grain, CASE g.grain WHEN 'y' THEN substr(r.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(r.deadline, 1, 7) || '-01' ELSE r.deadline END,
           r.status, NEW.organisation_id = r.lead_org_id, 1
    FROM resolutions r, counter_grains g WHERE r.id = NEW.resolution_id AND r.status IN ('approved','in_progress')
    ON CONFLICT (organisation_id, grain, period, status, leads) DO UPDATE SET n = n + 1;
END;

-- The counts of the rows already there.
INSERT INTO resolution_tally (lead_org_id, domain, status, late, n)
SELECT r.lead_org_id, r.domain, r.status, COALESCE(r.done_late, -1), COUNT(*)
FROM resolutions r WHERE 1 GROUP BY 1, 2, 3, 4;
INSERT INTO resolution_tally_district (district_id, lead_org_id, domain, status, late, n)
SELECT COALESCE(r.district_id, 0), r.lead_org_id, r.domain, r.status, COALESCE(r.done_late, -1), COUNT(*)
FROM resolutions r WHERE 1 GROUP BY 1, 2, 3, 4, 5;
INSERT INTO resolution_open_due (grain, period, lead_org_id, domain, status, n)
SELECT g.grain, CASE g.grain WHEN 'y' THEN substr(r.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(r.deadline, 1, 7) || '-01' ELSE r.deadline END, r.lead_org_id, r.domain, r.status, COUNT(*)
FROM resolutions r CROSS JOIN counter_grains g WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5;
INSERT INTO resolution_open_due_district (district_id, grain, period, lead_org_id, domain, status, n)
SELECT COALESCE(r.district_id, 0), g.grain, CASE g.grain WHEN 'y' THEN substr(r.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(r.deadline, 1, 7) || '-01' ELSE r.deadline END, r.lead_org_id, r.domain, r.status, COUNT(*)
FROM resolutions r CROSS JOIN counter_grains g WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO resolution_done_days (lead_org_id, domain, days, n)
SELECT r.lead_org_id, r.domain, r.days_to_done, COUNT(*)
FROM resolutions r WHERE r.status = 'done' AND r.days_to_done IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO resolution_done_days_district (district_id, lead_org_id, domain, days, n)
SELECT COALESCE(r.district_id, 0), r.lead_org_id, r.domain, r.days_to_done, COUNT(*)
FROM resolutions r WHERE r.status = 'done' AND r.days_to_done IS NOT NULL GROUP BY 1, 2, 3, 4;
INSERT INTO partner_open_due (organisation_id, grain, period, status, leads, n)
SELECT p.organisation_id, g.grain, CASE g.grain WHEN 'y' THEN substr(r.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(r.deadline, 1, 7) || '-01' ELSE r.deadline END, r.status, p.organisation_id = r.lead_org_id, COUNT(*)
FROM resolution_partners p JOIN resolutions r ON r.id = p.resolution_id CROSS JOIN counter_grains g
WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5;
