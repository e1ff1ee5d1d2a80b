-- Indicators the DHIS2 way (issue 13): data elements are counts entered per neighborhood and
-- period (people vaccinated, target population, square metres of green space); an indicator is
-- a numerator element over a denominator element (or none) times a factor, with the way it
-- improves and a target. A district's or the city's value is computed from the counts, never
-- stored. Kept column-for-column identical to ../postgres/0024_indicators.sql; only types differ.
CREATE TABLE data_elements (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name_fa      TEXT NOT NULL,
    name_en      TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    period_kind  TEXT NOT NULL CHECK (period_kind IN ('week','month','season','year')),
    aggregation  TEXT NOT NULL CHECK (aggregation IN ('sum','last')),
    search_key   TEXT NOT NULL,
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE indicators (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name_fa         TEXT NOT NULL,
    name_en         TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    numerator_id    INTEGER NOT NULL REFERENCES data_elements(id),
    denominator_id  INTEGER REFERENCES data_elements(id),
    factor          INTEGER NOT NULL CHECK (factor > 0),
    direction       TEXT NOT NULL CHECK (direction IN ('higher','lower')),
    target          REAL,
    target_on       TEXT,
    search_key      TEXT NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (denominator_id IS NULL OR denominator_id <> numerator_id)
);
CREATE INDEX indicators_numerator ON indicators(numerator_id);
CREATE INDEX indicators_denominator ON indicators(denominator_id);

-- One count per element, period and neighborhood; the district is kept beside it so that a
-- district's total over a range of periods is one index range.
CREATE TABLE data_values (
    element_id       INTEGER NOT NULL REFERENCES data_elements(id),
    period_start     TEXT NOT NULL,
    neighborhood_id  INTEGER NOT NULL REFERENCES neighborhoods(id),
    district_id      INTEGER NOT NULL REFERENCES districts(id),
    value            INTEGER NOT NULL CHECK (value >= 0),
    entered_by       INTEGER REFERENCES users(id),
    entered_at       TEXT NOT NULL,
    PRIMARY KEY (element_id, period_start, neighborhood_id)
);
CREATE INDEX data_values_district ON data_values(element_id, district_id, period_start);
CREATE INDEX data_values_neighborhood ON data_values(neighborhood_id, element_id, period_start);
