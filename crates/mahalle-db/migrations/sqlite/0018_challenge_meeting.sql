-- A challenge recorded as an outcome of a meeting (a think-tank of the neighborhood's pillars, a
-- supervisory visit) names that meeting.
ALTER TABLE challenges ADD COLUMN meeting_id INTEGER REFERENCES meetings(id);
CREATE INDEX challenges_meeting ON challenges(meeting_id);
