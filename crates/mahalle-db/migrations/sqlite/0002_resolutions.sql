-- Meetings and the follow-up of their resolutions (issue: Social HQ sessions).
-- Kept column-for-column identical to ../postgres/0002_resolutions.sql; only types differ.

CREATE TABLE meetings (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('hq_session','supervisory_visit','think_tank','council_meeting','peoples_meeting')),
    body_id          INTEGER NOT NULL REFERENCES organisations(id),
    jalali_year      INTEGER NOT NULL,
    session_number   INTEGER NOT NULL,
    title            TEXT NOT NULL,
    chair_person_id  INTEGER REFERENCES people(id),
    place            TEXT NOT NULL DEFAULT '',
    starts_at        TEXT NOT NULL,
    district_id      INTEGER REFERENCES districts(id),
    neighborhood_id  INTEGER REFERENCES neighborhoods(id),
    minutes          TEXT NOT NULL DEFAULT '',
    search_key       TEXT NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL,
    UNIQUE (body_id, jalali_year, session_number)
);
CREATE INDEX meetings_starts ON meetings(starts_at);

CREATE TABLE agenda_items (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    UNIQUE (meeting_id, position)
);

CREATE TABLE meeting_attendees (
    id               INTEGER PRIMARY KEY,
    meeting_id       INTEGER NOT NULL REFERENCES meetings(id),
    person_id        INTEGER REFERENCES people(id),
    organisation_id  INTEGER REFERENCES organisations(id),
    present          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX meeting_attendees_meeting ON meeting_attendees(meeting_id);

-- Derived facts kept beside the row for fast follow-up lists, always written in the same
-- transaction as the change that decides them: progress (latest report), done_on / done_late /
-- days_to_done (at completion). Overdue is never stored: it depends on today.
CREATE TABLE resolutions (
    id               INTEGER PRIMARY KEY,
    meeting_id       INTEGER NOT NULL REFERENCES meetings(id),
    item_number      INTEGER NOT NULL,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '',
    domain           TEXT NOT NULL,
    scope            TEXT NOT NULL CHECK (scope IN ('city','district','neighborhood')),
    district_id      INTEGER REFERENCES districts(id),
    neighborhood_id  INTEGER REFERENCES neighborhoods(id),
    lead_org_id      INTEGER NOT NULL REFERENCES organisations(id),
    priority         TEXT NOT NULL DEFAULT 'normal',
    deadline         TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'approved' CHECK (status IN ('approved','in_progress','done','cancelled')),
    progress         INTEGER NOT NULL DEFAULT 0,
    done_on          TEXT,
    done_late        INTEGER,
    days_to_done     INTEGER,
    search_key       TEXT NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (meeting_id, item_number)
);
-- Covers the accountability aggregates and the inbox counts without touching the table.
CREATE INDEX resolutions_lead ON resolutions(lead_org_id, status, deadline, done_late);
CREATE INDEX resolutions_lead_done ON resolutions(lead_org_id, status, days_to_done);
CREATE INDEX resolutions_open ON resolutions(status, deadline);
-- Open work only (partial indexes, same syntax on both backends): inboxes and overdue lists
-- read these in deadline order instead of sorting every match.
CREATE INDEX resolutions_open_by_deadline ON resolutions(deadline) WHERE status IN ('approved','in_progress');
CREATE INDEX resolutions_open_by_lead ON resolutions(lead_org_id, deadline) WHERE status IN ('approved','in_progress');
CREATE INDEX resolutions_district ON resolutions(district_id, status, deadline);

CREATE TABLE resolution_partners (
    resolution_id    INTEGER NOT NULL REFERENCES resolutions(id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (resolution_id, organisation_id)
);
CREATE INDEX resolution_partners_org ON resolution_partners(organisation_id, resolution_id);

-- Everything that happened to a resolution, in order: its timeline and its history. Edits keep
-- the previous values in `data`, so nothing is ever lost.
CREATE TABLE resolution_events (
    id             INTEGER PRIMARY KEY,
    resolution_id  INTEGER NOT NULL REFERENCES resolutions(id),
    at             TEXT NOT NULL,
    user_id        INTEGER REFERENCES users(id),
    kind           TEXT NOT NULL,
    from_status    TEXT,
    to_status      TEXT,
    note           TEXT NOT NULL DEFAULT '',
    data           TEXT
);
CREATE INDEX resolution_events_resolution ON resolution_events(resolution_id, id);

CREATE TABLE progress_reports (
    id               INTEGER PRIMARY KEY,
    resolution_id    INTEGER NOT NULL REFERENCES resolutions(id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    user_id          INTEGER REFERENCES users(id),
    reported_on      TEXT NOT NULL,
    percent          INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX progress_reports_resolution ON progress_reports(resolution_id, id);

CREATE TABLE deadline_extensions (
    id              INTEGER PRIMARY KEY,
    resolution_id   INTEGER NOT NULL REFERENCES resolutions(id),
    requested_by    INTEGER REFERENCES users(id),
    requested_at    TEXT NOT NULL,
    old_deadline    TEXT NOT NULL,
    new_deadline    TEXT NOT NULL,
    reason          TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','approved','refused')),
    decided_by      INTEGER REFERENCES users(id),
    decided_at      TEXT,
    decision_note   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deadline_extensions_resolution ON deadline_extensions(resolution_id);
CREATE INDEX deadline_extensions_state ON deadline_extensions(state);

-- Files attached to a meeting (minutes, presentations) or to a progress report (evidence).
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    meeting_id    INTEGER REFERENCES meetings(id),
    report_id     INTEGER REFERENCES progress_reports(id),
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    uploaded_by   INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX attachments_meeting ON attachments(meeting_id);
CREATE INDEX attachments_report ON attachments(report_id);
