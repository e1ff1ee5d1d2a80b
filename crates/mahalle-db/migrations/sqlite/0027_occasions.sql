-- Occasions (issue 13): a religious, national or local event over Jalali days, with its
-- organisers and the places it is held (neighborhoods, or partner places of the registry),
-- people's participation counted per place. The same occasion in different years shares its
-- code (GHADIR, ASHURA, …), which is how a year is compared with the one before.
-- Kept column-for-column identical to ../postgres/0027_occasions.sql; only types differ.
CREATE TABLE occasions (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('religious','national','local')),
    name_fa      TEXT NOT NULL,
    name_en      TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    district_id  INTEGER REFERENCES districts(id),
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    search_key   TEXT NOT NULL,
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX occasions_code ON occasions(code, starts_on);
CREATE INDEX occasions_starts ON occasions(starts_on);

CREATE TABLE occasion_organisers (
    occasion_id      INTEGER NOT NULL REFERENCES occasions(id) ON DELETE CASCADE,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (occasion_id, organisation_id)
);

-- A place an occasion is held: a neighborhood, or one partner place in it.
CREATE TABLE occasion_places (
    id                INTEGER PRIMARY KEY,
    occasion_id       INTEGER NOT NULL REFERENCES occasions(id) ON DELETE CASCADE,
    neighborhood_id   INTEGER NOT NULL REFERENCES neighborhoods(id),
    district_id       INTEGER NOT NULL REFERENCES districts(id),
    partner_place_id  INTEGER REFERENCES partner_places(id),
    participants      INTEGER CHECK (participants >= 0)
);
CREATE INDEX occasion_places_occasion ON occasion_places(occasion_id);
