-- Challenges grow up: a workflow (raised → accepted → planned → being solved → solved, or
-- rejected with a reason) with its history, where each came from, its priority with the reason,
-- the organisation that owns it, and council members' endorsements that order a neighborhood's
-- list. Challenges already answered by a resolution are planned.
ALTER TABLE challenges ADD COLUMN status TEXT NOT NULL DEFAULT 'raised'
    CHECK (status IN ('raised','accepted','planned','being_solved','solved','rejected'));
ALTER TABLE challenges ADD COLUMN source TEXT NOT NULL DEFAULT 'citizens';
ALTER TABLE challenges ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE challenges ADD COLUMN priority_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE challenges ADD COLUMN owner_org_id INTEGER REFERENCES organisations(id);
UPDATE challenges SET status = 'planned' WHERE resolution_id IS NOT NULL;

CREATE TABLE challenge_events (
    id            INTEGER PRIMARY KEY,
    challenge_id  INTEGER NOT NULL REFERENCES challenges(id),
    at            TEXT NOT NULL,
    user_id       INTEGER REFERENCES users(id),
    from_status   TEXT NOT NULL,
    to_status     TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX challenge_events_challenge ON challenge_events(challenge_id);

CREATE TABLE challenge_endorsements (
    challenge_id  INTEGER NOT NULL REFERENCES challenges(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    at            TEXT NOT NULL,
    PRIMARY KEY (challenge_id, user_id)
);
