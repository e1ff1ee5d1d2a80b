-- The staff queue sorts by answer deadline: a city-wide queue (the mayor's office: every
-- request, ten years of them) reads its page from this index instead of sorting the table.
CREATE INDEX service_requests_due ON service_requests(due_at, id);
