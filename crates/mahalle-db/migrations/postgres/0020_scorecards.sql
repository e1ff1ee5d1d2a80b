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
-- median, per district and per neighborhood. Twin of ../sqlite/0020_scorecards.sql (here one trigger function keeps them).
CREATE TABLE request_days (
    district_id       BIGINT NOT NULL,
    neighborhood_id   BIGINT NOT NULL,
    day               DATE NOT NULL,
    received          BIGINT NOT NULL,
    answered          BIGINT NOT NULL,
    answered_in_time  BIGINT NOT NULL,
    PRIMARY KEY (district_id, neighborhood_id, day)
);
CREATE INDEX request_days_neighborhood ON request_days(neighborhood_id, day);

CREATE TABLE request_response_district (
    district_id  BIGINT NOT NULL,
    day          DATE NOT NULL,
    hours        BIGINT NOT NULL,
    n            BIGINT NOT NULL,
    PRIMARY KEY (district_id, day, hours)
);

CREATE TABLE request_response_neighborhood (
    neighborhood_id  BIGINT NOT NULL,
    day              DATE NOT NULL,
    hours            BIGINT NOT NULL,
    n                BIGINT NOT NULL,
    PRIMARY KEY (neighborhood_id, day, hours)
);

-- Open requests of a place by when they came, with their deadline: "unanswered past the
-- deadline" is counted from the index alone, however long the backlog.
CREATE INDEX service_requests_open_district ON service_requests(district_id, requested_at, due_at) WHERE status IN ('submitted','accepted');
CREATE INDEX service_requests_open_neighborhood ON service_requests(neighborhood_id, requested_at, due_at) WHERE status IN ('submitted','accepted');

CREATE FUNCTION request_tally_add(r service_requests, s BIGINT) RETURNS void AS $$
DECLARE
    d DATE := ((r.requested_at AT TIME ZONE 'UTC') + INTERVAL '210 minutes')::date;
    h BIGINT;
    b BIGINT;
BEGIN
    INSERT INTO request_days (district_id, neighborhood_id, day, received, answered, answered_in_time)
    VALUES (COALESCE(r.district_id, 0), COALESCE(r.neighborhood_id, 0), d, s,
            CASE WHEN r.closed_at IS NOT NULL THEN s ELSE 0 END,
            CASE WHEN r.closed_at IS NOT NULL AND r.closed_at <= r.due_at THEN s ELSE 0 END)
    ON CONFLICT (district_id, neighborhood_id, day) DO UPDATE SET
        received = request_days.received + EXCLUDED.received,
        answered = request_days.answered + EXCLUDED.answered,
        answered_in_time = request_days.answered_in_time + EXCLUDED.answered_in_time;
    IF r.closed_at IS NOT NULL THEN
        h := GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (r.closed_at - r.requested_at)) / 3600))::BIGINT;
        b := CASE WHEN h < 72 THEN h WHEN h < 1440 THEN (h / 24) * 24 ELSE 1440 END;
        INSERT INTO request_response_district (district_id, day, hours, n)
        VALUES (COALESCE(r.district_id, 0), d, b, s)
        ON CONFLICT (district_id, day, hours) DO UPDATE SET n = request_response_district.n + EXCLUDED.n;
        INSERT INTO request_response_neighborhood (neighborhood_id, day, hours, n)
        VALUES (COALESCE(r.neighborhood_id, 0), d, b, s)
        ON CONFLICT (neighborhood_id, day, hours) DO UPDATE SET n = request_response_neighborhood.n + EXCLUDED.n;
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION request_tally() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM request_tally_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM request_tally_add(NEW, 1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER service_requests_tally AFTER INSERT OR DELETE OR UPDATE OF status, closed_at, due_at, requested_at, district_id, neighborhood_id
    ON service_requests FOR EACH ROW EXECUTE FUNCTION request_tally();

-- The requests already recorded.
INSERT INTO request_days (district_id, neighborhood_id, day, received, answered, answered_in_time)
SELECT COALESCE(district_id, 0), COALESCE(neighborhood_id, 0), ((requested_at AT TIME ZONE 'UTC') + INTERVAL '210 minutes')::date,
       COUNT(*), COUNT(closed_at), COUNT(*) FILTER (WHERE closed_at <= due_at)
FROM service_requests GROUP BY 1, 2, 3;
INSERT INTO request_response_district (district_id, day, hours, n)
SELECT d, day, CASE WHEN h < 72 THEN h WHEN h < 1440 THEN (h / 24) * 24 ELSE 1440 END, COUNT(*) FROM (
    SELECT COALESCE(district_id, 0) AS d, ((requested_at AT TIME ZONE 'UTC') + INTERVAL '210 minutes')::date AS day,
           GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (closed_at - requested_at)) / 3600))::BIGINT AS h
    FROM service_requests WHERE closed_at IS NOT NULL) x GROUP BY 1, 2, 3;
INSERT INTO request_response_neighborhood (neighborhood_id, day, hours, n)
SELECT nb, day, CASE WHEN h < 72 THEN h WHEN h < 1440 THEN (h / 24) * 24 ELSE 1440 END, COUNT(*) FROM (
    SELECT COALESCE(neighborhood_id, 0) AS nb, ((requested_at AT TIME ZONE 'UTC') + INTERVAL '210 minutes')::date AS day,
           GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (closed_at - requested_at)) / 3600))::BIGINT AS h
    FROM service_requests WHERE closed_at IS NOT NULL) x GROUP BY 1, 2, 3;
