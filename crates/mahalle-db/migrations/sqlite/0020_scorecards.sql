-- Scorecards read a district's or a neighborhood's work over twelve months: indexes that start
-- with the place, so that each read is bounded by it.
CREATE INDEX resolutions_district_done ON resolutions(district_id, done_on);
CREATE INDEX resolutions_neighborhood ON resolutions(neighborhood_id, status, deadline);
CREATE INDEX service_requests_neighborhood ON service_requests(neighborhood_id, requested_at);
CREATE INDEX challenges_district ON challenges(district_id, domain, status);
CREATE INDEX challenge_events_to ON challenge_events(to_status, at);

-- Citizens' requests are tallied by the Tehran calendar day they were received, per district and
-- neighborhood (0: none), kept by triggers in the same transaction as every change, so that a
-- scorecard reads a year of days instead of every request. How long answers took is kept as a
-- histogram (whole hours up to three days, then whole days up to sixty, then "longer") for the
-- median, per district and per neighborhood. Twin of ../postgres/0020_scorecards.sql.
CREATE TABLE request_days (
    district_id       INTEGER NOT NULL,
    neighborhood_id   INTEGER NOT NULL,
    day               TEXT NOT NULL,
    received          INTEGER NOT NULL,
    answered          INTEGER NOT NULL,
    answered_in_time  INTEGER NOT NULL,
    PRIMARY KEY (district_id, neighborhood_id, day)
) WITHOUT ROWID;
CREATE INDEX request_days_neighborhood ON request_days(neighborhood_id, day);

CREATE TABLE request_response_district (
    district_id  INTEGER NOT NULL,
    day          TEXT NOT NULL,
    hours        INTEGER NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (district_id, day, hours)
) WITHOUT ROWID;

CREATE TABLE request_response_neighborhood (
    neighborhood_id  INTEGER NOT NULL,
    day              TEXT NOT NULL,
    hours            INTEGER NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (neighborhood_id, day, hours)
) WITHOUT ROWID;

-- Open requests of a place by when they came, with their deadline: "unanswered past the
-- deadline" is counted from the index alone, however long the backlog.
CREATE INDEX service_requests_open_district ON service_requests(district_id, requested_at, due_at) WHERE status IN ('submitted','accepted');
CREATE INDEX service_requests_open_neighborhood ON service_requests(neighborhood_id, requested_at, due_at) WHERE status IN ('submitted','accepted');

CREATE TRIGGER service_requests_tally_insert AFTER INSERT ON service_requests BEGIN
    INSERT INTO request_days (district_id, neighborhood_id, day, received, answered, answered_in_time)
    VALUES (COALESCE(NEW.district_id, 0), COALESCE(NEW.neighborhood_id, 0), date(NEW.requested_at, '+210 minutes'), 1,
            (NEW.closed_at IS NOT NULL), (NEW.closed_at IS NOT NULL AND NEW.closed_at <= NEW.due_at))
    ON CONFLICT (district_id, neighborhood_id, day) DO UPDATE SET received = received + excluded.received,
        answered = answered + excluded.answered, answered_in_time = answered_in_time + excluded.answered_in_time;
    INSERT INTO request_response_district (district_id, day, hours, n)
    SELECT COALESCE(NEW.district_id, 0), date(NEW.requested_at, '+210 minutes'), CASE WHEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) < 72 THEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) WHEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) < 1440 THEN (MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) / 24) * 24 ELSE 1440 END, 1 WHERE NEW.closed_at IS NOT NULL
    ON CONFLICT (district_id, day, hours) DO UPDATE SET n = n + excluded.n;
    INSERT INTO request_response_neighborhood (neighborhood_id, day, hours, n)
    SELECT COALESCE(NEW.neighborhood_id, 0), date(NEW.requested_at, '+210 minutes'), CASE WHEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) < 72 THEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) WHEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) < 1440 THEN (MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) / 24) * 24 ELSE 1440 END, 1 WHERE NEW.closed_at IS NOT NULL
    ON CONFLICT (neighborhood_id, day, hours) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER service_requests_tally_update AFTER UPDATE OF status, closed_at, due_at, requested_at, district_id, neighborhood_id ON service_requests BEGIN
    INSERT INTO request_days (district_id, neighborhood_id, day, received, answered, answered_in_time)
    VALUES (COALESCE(OLD.district_id, 0), COALESCE(OLD.neighborhood_id, 0), date(OLD.requested_at, '+210 minutes'), -1,
            -(OLD.closed_at IS NOT NULL), -(OLD.closed_at IS NOT NULL AND OLD.closed_at <= OLD.due_at))
    ON CONFLICT (district_id, neighborhood_id, day) DO UPDATE SET received = received + excluded.received,
        answered = answered + excluded.answered, answered_in_time = answered_in_time + excluded.answered_in_time;
    INSERT INTO request_response_district (district_id, day, hours, n)
    SELECT COALESCE(OLD.district_id, 0), date(OLD.requested_at, '+210 minutes'), CASE WHEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) < 72 THEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) WHEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) < 1440 THEN (MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) / 24) * 24 ELSE 1440 END, -1 WHERE OLD.closed_at IS NOT NULL
    ON CONFLICT (district_id, day, hours) DO UPDATE SET n = n + excluded.n;
    INSERT INTO request_response_neighborhood (neighborhood_id, day, hours, n)
    SELECT COALESCE(OLD.neighborhood_id, 0), date(OLD.requested_at, '+210 minutes'), CASE WHEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) < 72 THEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) WHEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) < 1440 THEN (MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) / 24) * 24 ELSE 1440 END, -1 WHERE OLD.closed_at IS NOT NULL
    ON CONFLICT (neighborhood_id, day, hours) DO UPDATE SET n = n + excluded.n;
    INSERT INTO request_days (district_id, neighborhood_id, day, received, answered, answered_in_time)
    VALUES (COALESCE(NEW.district_id, 0), COALESCE(NEW.neighborhood_id, 0), date(NEW.requested_at, '+210 minutes'), 1,
            (NEW.closed_at IS NOT NULL), (NEW.closed_at IS NOT NULL AND NEW.closed_at <= NEW.due_at))
    ON CONFLICT (district_id, neighborhood_id, day) DO UPDATE SET received = received + excluded.received,
        answered = answered + excluded.answered, answered_in_time = answered_in_time + excluded.answered_in_time;
    INSERT INTO request_response_district (district_id, day, hours, n)
    SELECT COALESCE(NEW.district_id, 0), date(NEW.requested_at, '+210 minutes'), CASE WHEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) < 72 THEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) WHEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) < 1440 THEN (MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) / 24) * 24 ELSE 1440 END, 1 WHERE NEW.closed_at IS NOT NULL
    ON CONFLICT (district_id, day, hours) DO UPDATE SET n = n + excluded.n;
    INSERT INTO request_response_neighborhood (neighborhood_id, day, hours, n)
    SELECT COALESCE(NEW.neighborhood_id, 0), date(NEW.requested_at, '+210 minutes'), CASE WHEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) < 72 THEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) WHEN MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) < 1440 THEN (MAX(0, CAST((julianday(NEW.closed_at) - julianday(NEW.requested_at)) * 24 AS INTEGER)) / 24) * 24 ELSE 1440 END, 1 WHERE NEW.closed_at IS NOT NULL
    ON CONFLICT (neighborhood_id, day, hours) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER service_requests_tally_delete AFTER DELETE ON service_requests BEGIN
    INSERT INTO request_days (district_id, neighborhood_id, day, received, answered, answered_in_time)
    VALUES (COALESCE(OLD.district_id, 0), COALESCE(OLD.neighborhood_id, 0), date(OLD.requested_at, '+210 minutes'), -1,
            -(OLD.closed_at IS NOT NULL), -(OLD.closed_at IS NOT NULL AND OLD.closed_at <= OLD.due_at))
    ON CONFLICT (district_id, neighborhood_id, day) DO UPDATE SET received = received + excluded.received,
        answered = answered + excluded.answered, answered_in_time = answered_in_time + excluded.answered_in_time;
    INSERT INTO request_response_district (district_id, day, hours, n)
    SELECT COALESCE(OLD.district_id, 0), date(OLD.requested_at, '+210 minutes'), CASE WHEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) < 72 THEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) WHEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) < 1440 THEN (MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) / 24) * 24 ELSE 1440 END, -1 WHERE OLD.closed_at IS NOT NULL
    ON CONFLICT (district_id, day, hours) DO UPDATE SET n = n + excluded.n;
    INSERT INTO request_response_neighborhood (neighborhood_id, day, hours, n)
    SELECT COALESCE(OLD.neighborhood_id, 0), date(OLD.requested_at, '+210 minutes'), CASE WHEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) < 72 THEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) WHEN MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) < 1440 THEN (MAX(0, CAST((julianday(OLD.closed_at) - julianday(OLD.requested_at)) * 24 AS INTEGER)) / 24) * 24 ELSE 1440 END, -1 WHERE OLD.closed_at IS NOT NULL
    ON CONFLICT (neighborhood_id, day, hours) DO UPDATE SET n = n + excluded.n;
END;

-- The requests already recorded.
INSERT INTO request_days (district_id, neighborhood_id, day, received, answered, answered_in_time)
SELECT COALESCE(district_id, 0), COALESCE(neighborhood_id, 0), date(requested_at, '+210 minutes'), COUNT(*),
       SUM(closed_at IS NOT NULL), SUM(closed_at IS NOT NULL AND closed_at <= due_at)
FROM service_requests GROUP BY 1, 2, 3;
INSERT INTO request_response_district (district_id, day, hours, n)
SELECT d, day, CASE WHEN h < 72 THEN h WHEN h < 1440 THEN (h / 24) * 24 ELSE 1440 END, COUNT(*) FROM (
    SELECT COALESCE(district_id, 0) AS d, date(requested_at, '+210 minutes') AS day,
           MAX(0, CAST((julianday(closed_at) - julianday(requested_at)) * 24 AS INTEGER)) AS h
    FROM service_requests WHERE closed_at IS NOT NULL) GROUP BY 1, 2, 3;
INSERT INTO request_response_neighborhood (neighborhood_id, day, hours, n)
SELECT nb, day, CASE WHEN h < 72 THEN h WHEN h < 1440 THEN (h / 24) * 24 ELSE 1440 END, COUNT(*) FROM (
    SELECT COALESCE(neighborhood_id, 0) AS nb, date(requested_at, '+210 minutes') AS day,
           MAX(0, CAST((julianday(closed_at) - julianday(requested_at)) * 24 AS INTEGER)) AS h
    FROM service_requests WHERE closed_at IS NOT NULL) GROUP BY 1, 2, 3;
