-- Partner places of a neighborhood's people's network (mosques, schools, universities, cultural
-- centres, health houses…), some designated model (آرمانی) on a date; and a pillar (an imam)
-- may name the place they serve.
CREATE TABLE partner_places (
    id               INTEGER PRIMARY KEY,
    neighborhood_id  INTEGER NOT NULL REFERENCES neighborhoods(id),
    district_id      INTEGER NOT NULL REFERENCES districts(id),
    kind             TEXT NOT NULL CHECK (kind IN ('mosque','school','university','cultural_centre','health_house','library','sports','other')),
    name_fa          TEXT NOT NULL,
    name_en          TEXT NOT NULL DEFAULT '',
    address          TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    lat              REAL,
    lon              REAL,
    model_since      TEXT,
    retired_on       TEXT,
    search_key       TEXT NOT NULL,
    sort_key         TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX partner_places_neighborhood ON partner_places(neighborhood_id);
CREATE INDEX partner_places_district ON partner_places(district_id, kind);

ALTER TABLE pillars ADD COLUMN partner_place_id INTEGER REFERENCES partner_places(id);
