-- The registry its users keep: a record is retired (the date it stopped being current), never
-- deleted while anything refers to it; retired records stay findable and are left out of the
-- lists that offer choices. A person may be kept by one district's registry (its mayor edits
-- them); people without one are the city's.
ALTER TABLE districts ADD COLUMN retired_on DATE;
ALTER TABLE neighborhoods ADD COLUMN retired_on DATE;
ALTER TABLE organisations ADD COLUMN retired_on DATE;
ALTER TABLE people ADD COLUMN retired_on DATE;
ALTER TABLE people ADD COLUMN district_id BIGINT REFERENCES districts(id);
CREATE INDEX people_district ON people(district_id);
