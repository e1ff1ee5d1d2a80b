-- Staff and volunteer recognition (تشویق کارکنان): besides the thanks of former council members
-- at a term change, a district's secretariat or a supervisory visit recognises staff and
-- volunteers — who, by whom (as the certificate names the giver), for what, when, and at which
-- visit. Kept column-for-column identical to ../postgres/0022_recognitions.sql; only types differ.
ALTER TABLE recognitions ADD COLUMN kind TEXT NOT NULL DEFAULT 'council_service'
    CHECK (kind IN ('council_service','staff','volunteer'));
ALTER TABLE recognitions ADD COLUMN giver TEXT NOT NULL DEFAULT '';
ALTER TABLE recognitions ADD COLUMN meeting_id INTEGER REFERENCES meetings(id);
CREATE INDEX recognitions_district ON recognitions(district_id, given_on);
CREATE INDEX recognitions_meeting ON recognitions(meeting_id);
