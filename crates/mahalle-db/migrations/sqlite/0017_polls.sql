-- Residents' priority polls: a neighborhood or a district asks its residents to choose among
-- candidate challenges or projects over a period. The ballot is secret: poll_voters says who
-- voted (a keyed hash of a mobile number or national code, never the number itself, and the day
-- only) but not for what; poll_options keeps only counts, added in the vote's transaction.
-- poll_codes holds the one-time code a resident votes with (its hash), sent by text message or
-- handed over in person at the neighborhood house.
CREATE TABLE polls (
    id               INTEGER PRIMARY KEY,
    district_id      INTEGER NOT NULL REFERENCES districts(id),
    neighborhood_id  INTEGER REFERENCES neighborhoods(id),
    title            TEXT NOT NULL,
    question         TEXT NOT NULL DEFAULT '',
    opens_on         TEXT NOT NULL,
    closes_on        TEXT NOT NULL,
    max_choices      INTEGER NOT NULL DEFAULT 1 CHECK (max_choices BETWEEN 1 AND 10),
    voters           INTEGER NOT NULL DEFAULT 0,
    published_at     TEXT,
    council_answer   TEXT NOT NULL DEFAULT '',
    district_answer  TEXT NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX polls_district ON polls(district_id, opens_on);
CREATE INDEX polls_neighborhood ON polls(neighborhood_id, opens_on);

CREATE TABLE poll_options (
    id            INTEGER PRIMARY KEY,
    poll_id       INTEGER NOT NULL REFERENCES polls(id),
    position      INTEGER NOT NULL,
    challenge_id  INTEGER REFERENCES challenges(id),
    title         TEXT NOT NULL,
    votes         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (poll_id, position)
);

CREATE TABLE poll_voters (
    poll_id    INTEGER NOT NULL REFERENCES polls(id),
    voter_key  TEXT NOT NULL,
    method     TEXT NOT NULL CHECK (method IN ('sms','in_person')),
    voted_on   TEXT NOT NULL,
    PRIMARY KEY (poll_id, voter_key)
);

CREATE TABLE poll_codes (
    poll_id     INTEGER NOT NULL REFERENCES polls(id),
    voter_key   TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    method      TEXT NOT NULL CHECK (method IN ('sms','in_person')),
    issued_by   INTEGER REFERENCES users(id),
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    issued      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (poll_id, voter_key)
);
