-- Council terms and elections: a term is closed once (closed_on), has its seats and alternates,
-- and the election that filled it (date, ballots, every candidate's votes and outcome). A
-- member who leaves early keeps their row with the reason; alternates carry their order.
ALTER TABLE terms ADD COLUMN closed_on TEXT;
ALTER TABLE terms ADD COLUMN seats INTEGER NOT NULL DEFAULT 7;
ALTER TABLE terms ADD COLUMN alternates INTEGER NOT NULL DEFAULT 1;
ALTER TABLE terms ADD COLUMN election_on TEXT;
ALTER TABLE terms ADD COLUMN ballots INTEGER;
ALTER TABLE memberships ADD COLUMN departure TEXT CHECK (departure IN ('resigned','removed','deceased'));
ALTER TABLE memberships ADD COLUMN departure_note TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN alternate_rank INTEGER;

CREATE TABLE election_candidates (
    id              INTEGER PRIMARY KEY,
    term_id         INTEGER NOT NULL REFERENCES terms(id),
    person_id       INTEGER NOT NULL REFERENCES people(id),
    votes           INTEGER NOT NULL,
    lot             INTEGER,
    outcome         TEXT NOT NULL CHECK (outcome IN ('elected','alternate','not_elected')),
    alternate_rank  INTEGER,
    UNIQUE (term_id, person_id)
);
CREATE INDEX election_candidates_person ON election_candidates(person_id);

-- Terms whose every member has left are closed on their end date.
UPDATE terms SET closed_on = ends_on WHERE ends_on IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.term_id = terms.id AND m.ends_on IS NULL);
