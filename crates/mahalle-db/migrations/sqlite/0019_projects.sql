-- Priority projects (پروژه‌های اولویت‌دار) of a district or neighborhood: weighted milestones,
-- progress derived from them (or reported), the day the project falls behind its plan (kept with
-- each write, so "behind today" is an index range), links to the challenges it answers and the
-- resolutions behind it, residents' requests that it continue, and photos.
-- Kept column-for-column identical to ../postgres/0019_projects.sql; only types differ.
CREATE TABLE projects (
    id                 INTEGER PRIMARY KEY,
    district_id        INTEGER NOT NULL REFERENCES districts(id),
    neighborhood_id    INTEGER REFERENCES neighborhoods(id),
    domain             TEXT NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    lead_org_id        INTEGER NOT NULL REFERENCES organisations(id),
    budget_rials       INTEGER,
    starts_on          TEXT NOT NULL,
    ends_on            TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'planned'
                       CHECK (status IN ('planned','under_way','suspended','done','cancelled')),
    priority           BOOLEAN NOT NULL DEFAULT FALSE,
    reported_progress  INTEGER CHECK (reported_progress BETWEEN 0 AND 1000),
    progress           INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1000),
    behind_since       TEXT,
    done_on            TEXT,
    search_key         TEXT NOT NULL,
    created_by         INTEGER REFERENCES users(id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX projects_district ON projects(district_id, status, behind_since);
CREATE INDEX projects_neighborhood ON projects(neighborhood_id, status);
CREATE INDEX projects_lead ON projects(lead_org_id);

CREATE TABLE project_milestones (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    weight      INTEGER NOT NULL CHECK (weight > 0),
    due_on      TEXT NOT NULL,
    done_on     TEXT
);
CREATE INDEX project_milestones_project ON project_milestones(project_id, position);

CREATE TABLE project_challenges (
    project_id    INTEGER NOT NULL REFERENCES projects(id),
    challenge_id  INTEGER NOT NULL REFERENCES challenges(id),
    PRIMARY KEY (project_id, challenge_id)
);
CREATE INDEX project_challenges_challenge ON project_challenges(challenge_id);

CREATE TABLE project_resolutions (
    project_id     INTEGER NOT NULL REFERENCES projects(id),
    resolution_id  INTEGER NOT NULL REFERENCES resolutions(id),
    PRIMARY KEY (project_id, resolution_id)
);
CREATE INDEX project_resolutions_resolution ON project_resolutions(resolution_id);

-- "Residents asked that it continue": who asked, on which day, at which meeting if any.
CREATE TABLE project_continuations (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    asked_by     TEXT NOT NULL,
    asked_on     TEXT NOT NULL,
    meeting_id   INTEGER REFERENCES meetings(id),
    note         TEXT NOT NULL DEFAULT '',
    recorded_by  INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX project_continuations_project ON project_continuations(project_id);

ALTER TABLE attachments ADD COLUMN project_id INTEGER REFERENCES projects(id);
CREATE INDEX attachments_project ON attachments(project_id);
