-- Reminders and escalations of resolution deadlines, and the outbox they are delivered from.
-- Kept column-for-column identical to ../postgres/0003_notifications.sql; only types differ.
--
-- Several server processes share this table without locks of their own:
--  * generation inserts with ON CONFLICT (dedupe_key) DO NOTHING, so each reminder exists once
--    whichever process makes it first. The key is "{kind}:{resolution_id}:{deadline}": a moved
--    deadline is reminded of again, the same deadline never twice;
--  * delivery claims a row by a conditional UPDATE that sets state 'sending' and a lease
--    (locked_until) and adds one to `attempts`, which then fences the row's later updates. A
--    process that dies while sending frees the row when its lease runs out.
-- States: pending (waiting for next_attempt_at), sending (leased), sent, failed (gave up or
-- refused for good; visible and retryable from the outbox page), no_address (the recipient
-- organisation has no e-mail; revived when it gets one), dropped (not sent because the
-- resolution was closed or its deadline moved before delivery; last_error says which).
CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY,
    resolution_id     INTEGER NOT NULL REFERENCES resolutions(id),
    kind              TEXT NOT NULL CHECK (kind IN ('due_in_7_days','due_today','overdue','escalation')),
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
-- The claim query (due rows by state and time) and the counts by state.
CREATE INDEX notifications_due ON notifications(state, next_attempt_at);
-- The outbox filtered by state, newest first.
CREATE INDEX notifications_state ON notifications(state, id);
-- Generation's "not yet notified" test, and a resolution's notifications.
CREATE INDEX notifications_resolution ON notifications(resolution_id, kind, deadline);
