-- Foundation schema: places, organisations, people, councils, accounts, audit.
-- Kept column-for-column identical to ../postgres/0001_foundation.sql; only types differ.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE districts (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    number      INTEGER NOT NULL UNIQUE,
    name_fa     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    population  INTEGER,
    area_km2    REAL,
    boundary    TEXT,
    search_key  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE neighborhoods (
    id           INTEGER PRIMARY KEY,
    district_id  INTEGER NOT NULL REFERENCES districts(id),
    code         TEXT NOT NULL UNIQUE,
    name_fa      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    population   INTEGER,
    boundary     TEXT,
    search_key   TEXT NOT NULL,
    sort_key     TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX neighborhoods_district ON neighborhoods(district_id);

CREATE TABLE organisations (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL CHECK (kind IN ('council','headquarters','municipality','deputy','department','district_office','agency','institution','neighborhood_council')),
    name_fa          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    parent_id        INTEGER REFERENCES organisations(id),
    district_id      INTEGER REFERENCES districts(id),
    neighborhood_id  INTEGER REFERENCES neighborhoods(id),
    phone            TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    address          TEXT NOT NULL DEFAULT '',
    website          TEXT NOT NULL DEFAULT '',
    search_key       TEXT NOT NULL,
    sort_key         TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX organisations_kind ON organisations(kind);
CREATE INDEX organisations_parent ON organisations(parent_id);
CREATE INDEX organisations_neighborhood ON organisations(neighborhood_id);
CREATE INDEX organisations_district ON organisations(district_id);

CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    ref_code      TEXT UNIQUE,
    full_name_fa  TEXT NOT NULL,
    full_name_en  TEXT NOT NULL DEFAULT '',
    gender        TEXT NOT NULL DEFAULT 'unspecified' CHECK (gender IN ('female','male','unspecified')),
    phone         TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    search_key    TEXT NOT NULL,
    sort_key      TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- A term (دوره) of an elected body, e.g. the 6th term of a neighborhood council.
CREATE TABLE terms (
    id         INTEGER PRIMARY KEY,
    body_id    INTEGER NOT NULL REFERENCES organisations(id),
    number     INTEGER NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT,
    UNIQUE (body_id, number)
);

-- person × body × role × term. Ended memberships stay: history is never deleted.
CREATE TABLE memberships (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    body_id     INTEGER NOT NULL REFERENCES organisations(id),
    role        TEXT NOT NULL,
    term_id     INTEGER REFERENCES terms(id),
    starts_on   TEXT NOT NULL,
    ends_on     TEXT,
    thanked_on  TEXT,
    UNIQUE (person_id, body_id, role, term_id)
);
CREATE INDEX memberships_body ON memberships(body_id, term_id);
CREATE INDEX memberships_person ON memberships(person_id);

-- The other pillars of a neighborhood: manager, trustees, imams, people's groups, elites.
CREATE TABLE pillars (
    id               INTEGER PRIMARY KEY,
    neighborhood_id  INTEGER NOT NULL REFERENCES neighborhoods(id),
    person_id        INTEGER NOT NULL REFERENCES people(id),
    kind             TEXT NOT NULL CHECK (kind IN ('manager','trustee','imam','people_group','elite')),
    title            TEXT NOT NULL DEFAULT '',
    since            TEXT NOT NULL,
    until            TEXT,
    UNIQUE (neighborhood_id, person_id, kind)
);
CREATE INDEX pillars_neighborhood ON pillars(neighborhood_id);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    person_id      INTEGER REFERENCES people(id),
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL
);

-- A role with its scope: district mayors are scoped to a district, liaisons to an organisation,
-- council members to a neighborhood; the other roles are city-wide.
CREATE TABLE user_roles (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id),
    role             TEXT NOT NULL CHECK (role IN ('admin','mayor_office','deputy','district_mayor','liaison','council_member','viewer')),
    district_id      INTEGER REFERENCES districts(id),
    organisation_id  INTEGER REFERENCES organisations(id),
    neighborhood_id  INTEGER REFERENCES neighborhoods(id)
);
CREATE INDEX user_roles_user ON user_roles(user_id);

-- Server-side sessions: the cookie holds a random token, the table its SHA-256.
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);

-- Failed log-ins per username, so brute force is throttled across every server process.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id),
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    before     TEXT,
    after      TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
