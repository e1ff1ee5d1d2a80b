-- Citizens' requests in the same outbox as resolution reminders (issue: citizens' requests).
-- Kept column-for-column identical to ../sqlite/0007_request_notifications.sql; only types differ.
--
-- A request notification is a digest of requests for one organisation: `request_overdue` to the
-- organisation handling them once they pass their response deadline, `request_escalation` to the
-- district's municipal office (or the handler's parent organisation) when they stay unanswered.
-- Such rows have no resolution; `notification_requests` records which requests each covers, and
-- its key (request, kind) is the "already notified" guard shared by every server process.
ALTER TABLE notifications ALTER COLUMN resolution_id DROP NOT NULL;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('due_in_7_days','due_today','overdue','escalation','request_overdue','request_escalation'));

CREATE TABLE notification_requests (
    notification_id  BIGINT NOT NULL REFERENCES notifications(id),
    request_id       BIGINT NOT NULL REFERENCES service_requests(id),
    kind             TEXT NOT NULL,
    PRIMARY KEY (request_id, kind)
);
CREATE INDEX notification_requests_notification ON notification_requests(notification_id);
