-- API tokens get a scope (read: GET only; write: all the account may do) and an optional expiry.
-- Tokens issued before this keep the full power they were issued with.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write' CHECK (scope IN ('read','write'));
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- A calendar feed's own secret: it opens one body's feed, read-only, until revoked. Only its
-- hash is kept, as for tokens and sessions.
CREATE TABLE feed_links (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    body_id       INTEGER NOT NULL REFERENCES organisations(id),
    secret_hash   TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX feed_links_user ON feed_links(user_id);
