-- Citizens' requests: the service catalogue with routing rules and extra questions, requests
-- with their public history and photos, Open311 API keys, and neighborhood challenges that
-- gather repeated needs and are answered by resolutions.
-- Kept column-for-column identical to ../postgres/0005_requests.sql; only types differ.

CREATE TABLE services (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name_fa         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    group_fa        TEXT NOT NULL DEFAULT '',
    group_en        TEXT NOT NULL DEFAULT '',
    description_fa  TEXT NOT NULL DEFAULT '',
    description_en  TEXT NOT NULL DEFAULT '',
    keywords        TEXT NOT NULL DEFAULT '',
    domain          TEXT NOT NULL DEFAULT 'other',
    sla_hours       BIGINT NOT NULL CHECK (sla_hours > 0),
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order      BIGINT NOT NULL DEFAULT 0,
    search_key      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- Extra questions of a category (Open311 service definition attributes).
CREATE TABLE service_attributes (
    id                    INTEGER PRIMARY KEY,
    service_id            INTEGER NOT NULL REFERENCES services(id),
    code                  TEXT NOT NULL,
    datatype              TEXT NOT NULL CHECK (datatype IN ('string','number','datetime','text','singlevaluelist','multivaluelist')),
    required              BOOLEAN NOT NULL DEFAULT FALSE,
    variable              BOOLEAN NOT NULL DEFAULT TRUE,
    description_fa        TEXT NOT NULL,
    description_en        TEXT NOT NULL DEFAULT '',
    datatype_description  TEXT NOT NULL DEFAULT '',
    sort_order            BIGINT NOT NULL DEFAULT 0,
    UNIQUE (service_id, code)
);

CREATE TABLE service_attribute_values (
    attribute_id  INTEGER NOT NULL REFERENCES service_attributes(id),
    key           TEXT NOT NULL,
    name_fa       TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    sort_order    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (attribute_id, key)
);

-- Who handles a category: a default (no district), per district, or per neighborhood.
CREATE TABLE service_routes (
    id               INTEGER PRIMARY KEY,
    service_id       INTEGER NOT NULL REFERENCES services(id),
    district_id      INTEGER REFERENCES districts(id),
    neighborhood_id  INTEGER REFERENCES neighborhoods(id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id)
);
CREATE INDEX service_routes_service ON service_routes(service_id);

-- Keys of client applications allowed to POST to /open311/v2 (only a hash is kept).
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    key_hash      TEXT NOT NULL UNIQUE,
    prefix        TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);

-- A need a neighborhood keeps raising; many requests can point at it and a resolution answers it.
CREATE TABLE challenges (
    id               INTEGER PRIMARY KEY,
    district_id      INTEGER NOT NULL REFERENCES districts(id),
    neighborhood_id  INTEGER NOT NULL REFERENCES neighborhoods(id),
    domain           TEXT NOT NULL,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '',
    resolution_id    INTEGER REFERENCES resolutions(id),
    search_key       TEXT NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX challenges_neighborhood ON challenges(neighborhood_id);
CREATE INDEX challenges_resolution ON challenges(resolution_id);

-- Personal details (names, e-mail, phone) never leave the staff pages; everything else is public.
CREATE TABLE service_requests (
    id               INTEGER PRIMARY KEY,
    service_id       INTEGER NOT NULL REFERENCES services(id),
    status           TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted','accepted','closed','rejected')),
    description      TEXT NOT NULL DEFAULT '',
    address          TEXT NOT NULL DEFAULT '',
    lat              REAL,
    lon              REAL,
    district_id      INTEGER REFERENCES districts(id),
    neighborhood_id  INTEGER REFERENCES neighborhoods(id),
    organisation_id  INTEGER REFERENCES organisations(id),
    source           TEXT NOT NULL CHECK (source IN ('web','phone','open311')),
    api_key_id       INTEGER REFERENCES api_keys(id),
    first_name       TEXT NOT NULL DEFAULT '',
    last_name        TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    device_id        TEXT NOT NULL DEFAULT '',
    account_id       TEXT NOT NULL DEFAULT '',
    media_url        TEXT NOT NULL DEFAULT '',
    status_notes     TEXT NOT NULL DEFAULT '',
    challenge_id     INTEGER REFERENCES challenges(id),
    entered_by       INTEGER REFERENCES users(id),
    search_key       TEXT NOT NULL,
    requested_at     TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    due_at           TEXT NOT NULL,
    closed_at        TEXT
);
-- Open311 searches: by time, by district and time, by category and time.
CREATE INDEX service_requests_requested ON service_requests(requested_at);
CREATE INDEX service_requests_district ON service_requests(district_id, requested_at);
CREATE INDEX service_requests_service ON service_requests(service_id, requested_at);
-- Work queues: an organisation's open requests in deadline order.
CREATE INDEX service_requests_queue ON service_requests(organisation_id, due_at) WHERE status IN ('submitted','accepted');
CREATE INDEX service_requests_org ON service_requests(organisation_id, requested_at);
CREATE INDEX service_requests_challenge ON service_requests(challenge_id);

CREATE TABLE request_attributes (
    request_id  INTEGER NOT NULL REFERENCES service_requests(id),
    code        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (request_id, code, value)
);

-- The history of a request. Public steps (and their notes) show on the citizen's status page.
CREATE TABLE request_events (
    id               INTEGER PRIMARY KEY,
    request_id       INTEGER NOT NULL REFERENCES service_requests(id),
    at               TEXT NOT NULL,
    user_id          INTEGER REFERENCES users(id),
    kind             TEXT NOT NULL,
    from_status      TEXT,
    to_status        TEXT,
    organisation_id  INTEGER REFERENCES organisations(id),
    note             TEXT NOT NULL DEFAULT '',
    public           BOOLEAN NOT NULL
);
CREATE INDEX request_events_request ON request_events(request_id, id);

-- Photos, with location metadata stripped before they are stored.
CREATE TABLE request_photos (
    id            INTEGER PRIMARY KEY,
    request_id    INTEGER NOT NULL REFERENCES service_requests(id),
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX request_photos_request ON request_photos(request_id);
