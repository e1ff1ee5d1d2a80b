-- When staff cleared a request's own words (description, address, photo, exact point) for
-- publication over Open311, and who; until then the public sees the category, status and
-- neighborhood only. Requests already filed start uncleared: nothing is published unreviewed.
ALTER TABLE service_requests ADD COLUMN cleared_at TEXT;
ALTER TABLE service_requests ADD COLUMN cleared_by INTEGER REFERENCES users(id);
