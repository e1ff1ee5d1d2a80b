-- Delegation of authority (issue 13): a person hands one named power, over a district, the whole
-- city or an organisation, to another person for a span of days. A delegation made from another
-- (onward) names it as its parent and never outlasts it; revoking one revokes those made from it.
-- An action taken through a delegation names it on its audit row.
-- Kept column-for-column identical to ../postgres/0028_delegations.sql; only types differ.
CREATE TABLE delegations (
    id               INTEGER PRIMARY KEY,
    from_user_id     INTEGER NOT NULL REFERENCES users(id),
    to_user_id       INTEGER NOT NULL REFERENCES users(id),
    power            TEXT NOT NULL CHECK (power IN ('decide_extensions','create_resolutions','act_for_organisation')),
    district_id      INTEGER REFERENCES districts(id),
    organisation_id  INTEGER REFERENCES organisations(id),
    starts_on        TEXT NOT NULL,
    ends_on          TEXT NOT NULL,
    may_redelegate   BOOLEAN NOT NULL DEFAULT FALSE,
    parent_id        INTEGER REFERENCES delegations(id),
    note             TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    revoked_at       TEXT,
    revoked_by       INTEGER REFERENCES users(id),
    revoke_reason    TEXT NOT NULL DEFAULT '',
    CHECK (ends_on >= starts_on),
    CHECK (to_user_id <> from_user_id),
    CHECK (district_id IS NULL OR organisation_id IS NULL)
);
CREATE INDEX delegations_to ON delegations(to_user_id, ends_on);
CREATE INDEX delegations_from ON delegations(from_user_id);
CREATE INDEX delegations_parent ON delegations(parent_id);

ALTER TABLE audit_log ADD COLUMN delegation_id INTEGER REFERENCES delegations(id);
CREATE INDEX audit_log_delegation ON audit_log(delegation_id);
