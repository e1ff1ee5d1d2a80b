-- Vulnerable areas (issue 13): a neighborhood, or an area drawn within a district, marked as
-- vulnerable with the reason and the day; interventions there (what, lead organisation and
-- partners, when, cost, public space returned in m²). Public areas are listed for everyone.
-- Kept column-for-column identical to ../postgres/0026_vulnerable_areas.sql; only types differ.
CREATE TABLE vulnerable_areas (
    id               INTEGER PRIMARY KEY,
    name_fa          TEXT NOT NULL,
    name_en          TEXT NOT NULL DEFAULT '',
    district_id      INTEGER NOT NULL REFERENCES districts(id),
    neighborhood_id  INTEGER REFERENCES neighborhoods(id),
    boundary         TEXT,
    reason           TEXT NOT NULL,
    marked_on        TEXT NOT NULL,
    public           BOOLEAN NOT NULL DEFAULT FALSE,
    search_key       TEXT NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX vulnerable_areas_district ON vulnerable_areas(district_id);

CREATE TABLE interventions (
    id           INTEGER PRIMARY KEY,
    area_id      INTEGER NOT NULL REFERENCES vulnerable_areas(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    lead_org_id  INTEGER NOT NULL REFERENCES organisations(id),
    starts_on    TEXT NOT NULL,
    ends_on      TEXT,
    cost         INTEGER CHECK (cost >= 0),
    space_m2     INTEGER CHECK (space_m2 >= 0),
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX interventions_area ON interventions(area_id, starts_on);

CREATE TABLE intervention_partners (
    intervention_id  INTEGER NOT NULL REFERENCES interventions(id) ON DELETE CASCADE,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (intervention_id, organisation_id)
);
