-- A change of term: each former member is thanked with a recognition (تقدیر) that has a
-- certificate number, and each new member goes through onboarding (orientation attended,
-- account opened, contact verified). memberships.thanked_on stays the quick flag lists use.
CREATE TABLE recognitions (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES people(id),
    membership_id   INTEGER REFERENCES memberships(id),
    district_id     INTEGER REFERENCES districts(id),
    reason          TEXT NOT NULL,
    given_on        TEXT NOT NULL,
    given_by        INTEGER REFERENCES users(id),
    certificate_no  TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL
);
CREATE INDEX recognitions_person ON recognitions(person_id);
CREATE UNIQUE INDEX recognitions_membership ON recognitions(membership_id);

CREATE TABLE onboarding (
    membership_id        INTEGER PRIMARY KEY REFERENCES memberships(id),
    orientation_on       TEXT,
    user_id              INTEGER REFERENCES users(id),
    contact_verified_on  TEXT
);
