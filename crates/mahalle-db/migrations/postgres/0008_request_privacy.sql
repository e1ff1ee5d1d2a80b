-- Which categories' requests Open311 publishes (FixMyStreet's private categories): welfare and
-- social needs are seen by staff alone.
ALTER TABLE services ADD COLUMN published BOOLEAN NOT NULL DEFAULT TRUE;
