-- Citizens' requests in the same outbox as resolution reminders (issue: citizens' requests).
-- Kept column-for-column identical to ../postgres/0007_request_notifications.sql; only types differ.
--
-- A request notification is a digest of requests for one organisation: `request_overdue` to the
-- organisation handling them once they pass their response deadline, `request_escalation` to the
-- district's municipal office (or the handler's parent organisation) when they stay unanswered.
-- Such rows have no resolution; `notification_requests` records which requests each covers, and
-- its key (request, kind) is the "already notified" guard shared by every server process.
--
-- SQLite cannot drop NOT NULL or change a CHECK in place: the rows are copied aside, the table
-- is dropped and created anew under the same name, and the rows go back with their ids. Foreign
-- keys to it (notification_items) are checked at commit: dropping the table counts their rows as
-- violations, and putting each parent row back clears them.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE notifications_copy AS SELECT * FROM notifications;
DROP TABLE notifications;
CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY,
    resolution_id     INTEGER REFERENCES resolutions(id),
    kind              TEXT NOT NULL CHECK (kind IN ('due_in_7_days','due_today','overdue','escalation','request_overdue','request_escalation')),
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

CREATE TABLE notification_requests (
    notification_id  INTEGER NOT NULL REFERENCES notifications(id),
    request_id       INTEGER NOT NULL REFERENCES service_requests(id),
    kind             TEXT NOT NULL,
    PRIMARY KEY (request_id, kind)
);
CREATE INDEX notification_requests_notification ON notification_requests(notification_id);
