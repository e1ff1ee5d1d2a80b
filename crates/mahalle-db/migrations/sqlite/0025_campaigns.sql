-- Campaigns (issue 13): a drive such as a vaccination round, winter aid or a clean-up, owned
-- by a headquarters with partner organisations, over a span of days, measured by indicators
-- each with the campaign's own target. Coverage is read from the indicators' counts, never
-- stored. Kept column-for-column identical to ../postgres/0025_campaigns.sql; only types differ.
CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name_fa      TEXT NOT NULL,
    name_en      TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    owner_id     INTEGER NOT NULL REFERENCES organisations(id),
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    search_key   TEXT NOT NULL,
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX campaigns_starts ON campaigns(starts_on);
CREATE INDEX campaigns_owner ON campaigns(owner_id);

CREATE TABLE campaign_partners (
    campaign_id      INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (campaign_id, organisation_id)
);
CREATE INDEX campaign_partners_organisation ON campaign_partners(organisation_id);

CREATE TABLE campaign_indicators (
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    indicator_id  INTEGER NOT NULL REFERENCES indicators(id),
    target        REAL NOT NULL CHECK (target >= 0),
    position      INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, indicator_id)
);
CREATE INDEX campaign_indicators_indicator ON campaign_indicators(indicator_id);
