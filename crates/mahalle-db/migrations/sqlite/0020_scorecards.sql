-- Scorecards read a district's or a neighborhood's work over twelve months: indexes that start
-- with the place, so that each read is bounded by it.
CREATE INDEX resolutions_district_done ON resolutions(district_id, done_on);
CREATE INDEX resolutions_neighborhood ON resolutions(neighborhood_id, status, deadline);
CREATE INDEX service_requests_neighborhood ON service_requests(neighborhood_id, requested_at);
CREATE INDEX challenges_district ON challenges(district_id, domain, status);
CREATE INDEX challenge_events_to ON challenge_events(to_status, at);
