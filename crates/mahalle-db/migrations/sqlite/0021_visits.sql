-- Supervisory visits (نشست نظارت ستادی): a district-scoped meeting of kind supervisory_visit.
-- Who came to visit and who hosted, the domain managers' reports filed before it (with the
-- neighborhood challenges each raises), the findings recorded during it, and when the memo of its
-- commitments went to their owners through the outbox. Its decisions are the meeting's
-- resolutions. Kept column-for-column identical to ../postgres/0021_visits.sql; only types differ.
ALTER TABLE meeting_attendees ADD COLUMN side TEXT CHECK (side IN ('visitor','host'));

-- A visit's page finds the district's previous visit, and the district's list its visits.
CREATE INDEX meetings_district_kind ON meetings(district_id, kind, starts_at);

-- The briefing pack's overdue requests by organisation, read from the open ones only.
CREATE INDEX service_requests_open_district_org ON service_requests(district_id, organisation_id, due_at)
    WHERE status IN ('submitted','accepted');

CREATE TABLE visit_reports (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
    domain      TEXT NOT NULL,
    manager     TEXT NOT NULL,
    actions     TEXT NOT NULL,
    figures     TEXT NOT NULL DEFAULT '',
    filed_by    INTEGER REFERENCES users(id),
    filed_at    TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (meeting_id, domain)
);

CREATE TABLE visit_report_challenges (
    report_id     INTEGER NOT NULL REFERENCES visit_reports(id),
    challenge_id  INTEGER NOT NULL REFERENCES challenges(id),
    PRIMARY KEY (report_id, challenge_id)
);
CREATE INDEX visit_report_challenges_challenge ON visit_report_challenges(challenge_id);

CREATE TABLE visit_findings (
    id               INTEGER PRIMARY KEY,
    meeting_id       INTEGER NOT NULL REFERENCES meetings(id),
    body             TEXT NOT NULL,
    domain           TEXT,
    neighborhood_id  INTEGER REFERENCES neighborhoods(id),
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL
);
CREATE INDEX visit_findings_meeting ON visit_findings(meeting_id, id);

-- Each sending of the commitments memo: when, by whom, how many commitments to how many owners.
CREATE TABLE visit_memos (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id),
    sent_at      TEXT NOT NULL,
    sent_by      INTEGER REFERENCES users(id),
    commitments  INTEGER NOT NULL,
    owners       INTEGER NOT NULL
);
CREATE INDEX visit_memos_meeting ON visit_memos(meeting_id, id);

-- The memo goes through the outbox: one notification per owner organisation, its commitments as
-- the notification's items. SQLite cannot change a CHECK in place (see 0007).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE notifications_copy AS SELECT * FROM notifications;
DROP TABLE notifications;
CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY,
    resolution_id     INTEGER REFERENCES resolutions(id),
    kind              TEXT NOT NULL CHECK (kind IN ('due_in_7_days','due_today','overdue','escalation','request_overdue','request_escalation','visit_memo')),
    deadline          TEXT NOT NULL,
    recipient_org_id  INTEGER REFERENCES organisations(id),
    recipient_email   TEXT NOT NULL DEFAULT '',
    subject           TEXT NOT NULL,
    body              TEXT NOT NULL,
    dedupe_key        TEXT NOT NULL UNIQUE,
    state             TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sending','sent','failed','no_address','dropped')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   TEXT NOT NULL,
    locked_until      TEXT,
    last_error        TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    sent_at           TEXT
);
INSERT INTO notifications (id, resolution_id, kind, deadline, recipient_org_id, recipient_email, subject, body,
    dedupe_key, state, attempts, next_attempt_at, locked_until, last_error, created_at, sent_at)
    SELECT id, resolution_id, kind, deadline, recipient_org_id, recipient_email, subject, body,
    dedupe_key, state, attempts, next_attempt_at, locked_until, last_error, created_at, sent_at FROM notifications_copy;
DROP TABLE notifications_copy;
CREATE INDEX notifications_due ON notifications(state, next_attempt_at);
CREATE INDEX notifications_state ON notifications(state, id);
CREATE INDEX notifications_resolution ON notifications(resolution_id, kind, deadline);
