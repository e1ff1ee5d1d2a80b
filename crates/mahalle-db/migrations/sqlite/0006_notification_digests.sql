-- Digests of reminders: one notification may list many resolutions (issue 3, reminders).
-- Kept column-for-column identical to the other backend's 0006; only types differ.
--
-- notification_items says which resolutions (at which deadline, for which kind) a notification
-- covers. Its key is the "already reminded" fact: a reminder of a kind for a resolution and
-- deadline exists once, in a notification of its own or in a digest, whichever process records
-- it. A generator inserts its items without ON CONFLICT: a clash (another process covered one of
-- them meanwhile) aborts its transaction, and it looks again. notifications.resolution_id of a
-- digest is its first (oldest) resolution.
CREATE TABLE notification_items (
    notification_id  INTEGER NOT NULL REFERENCES notifications(id),
    resolution_id    INTEGER NOT NULL REFERENCES resolutions(id),
    kind             TEXT NOT NULL,
    deadline         TEXT NOT NULL,
    PRIMARY KEY (resolution_id, kind, deadline)
);
CREATE INDEX notification_items_notification ON notification_items(notification_id);

-- Every notification recorded so far covered its own resolution.
INSERT INTO notification_items (notification_id, resolution_id, kind, deadline)
    SELECT id, resolution_id, kind, deadline FROM notifications;
