-- Step progression (issue #13): the ladder and its versions, the register's försörjningshinder per adult and month,
-- assessments, individual plans with activities and weekly attendance, exits with their reason, and sanction
-- proposals under 12 kap. 5 § SoL. A person's step is never stored as such: it is the step of their latest
-- assessment on a day. `*_by` columns hold the acting party as `domain::Who` writes it (`staff:12`).

-- A version of the ladder, in force from `valid_from` until the next version's first day. Never changed.
CREATE TABLE ladder_versions (
    id         INTEGER PRIMARY KEY,
    valid_from TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE ladder_steps (
    version_id     BIGINT NOT NULL REFERENCES ladder_versions (id),
    step           INTEGER NOT NULL,
    name_sv        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    description_sv TEXT NOT NULL,
    description_en TEXT NOT NULL,
    PRIMARY KEY (version_id, step)
);

-- The register's reason per adult and month (domain::progression::Forsorjningshinder codes), beside the ladder.
CREATE TABLE adult_month_reasons (
    person_id    BIGINT NOT NULL REFERENCES persons (id),
    month        TEXT NOT NULL,
    household_id BIGINT NOT NULL REFERENCES households (id),
    reason       TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL,
    PRIMARY KEY (person_id, month)
);
CREATE INDEX adult_month_reasons_month ON adult_month_reasons (month);

-- An assessment: the staff's rating `step` on the ladder version in force that day, the person's own rating, and
-- the obstacles as a JSON object from life-area code to level code. `household_id` is the household the person
-- belonged to (the unit that may read it).
CREATE TABLE assessments (
    id             INTEGER PRIMARY KEY,
    person_id      BIGINT NOT NULL REFERENCES persons (id),
    household_id   BIGINT NOT NULL REFERENCES households (id),
    assessed_on    TEXT NOT NULL,
    ladder_version BIGINT NOT NULL REFERENCES ladder_versions (id),
    step           INTEGER NOT NULL,
    own_step       INTEGER NULL,
    obstacles      TEXT NOT NULL,
    assessed_by    TEXT NOT NULL,
    recorded_at    BIGINT NOT NULL
);
CREATE INDEX assessments_person ON assessments (person_id, assessed_on);
CREATE INDEX assessments_day ON assessments (assessed_on);

-- An individual plan; at most one open plan per person. `job_coach_id` is the coach who follows it.
CREATE TABLE plans (
    id           INTEGER PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES persons (id),
    household_id BIGINT NOT NULL REFERENCES households (id),
    goal         TEXT NOT NULL,
    made_on      TEXT NOT NULL,
    job_coach_id BIGINT NULL REFERENCES staff (id),
    closed_on    TEXT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX plans_person ON plans (person_id);
CREATE UNIQUE INDEX plans_one_open ON plans (person_id) WHERE closed_on IS NULL;
CREATE INDEX plans_coach_open ON plans (job_coach_id) WHERE closed_on IS NULL;

CREATE TABLE activities (
    id             INTEGER PRIMARY KEY,
    plan_id        BIGINT NOT NULL REFERENCES plans (id),
    kind           TEXT NOT NULL,
    provider       TEXT NOT NULL,
    starts_on      TEXT NOT NULL,
    ends_on        TEXT NULL,
    hours_per_week INTEGER NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX activities_plan ON activities (plan_id);

-- One row per activity and ISO week (its Monday); a correction updates the row and writes an audit record.
CREATE TABLE attendance (
    activity_id    BIGINT NOT NULL REFERENCES activities (id),
    week_start     TEXT NOT NULL,
    hours_attended INTEGER NOT NULL,
    hours_absent   INTEGER NOT NULL,
    absence        TEXT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    BIGINT NOT NULL,
    PRIMARY KEY (activity_id, week_start)
);

-- An exit from the ladder (and assistance) with its reason; an assessment after it starts a new period.
CREATE TABLE ladder_exits (
    id           INTEGER PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES persons (id),
    household_id BIGINT NOT NULL REFERENCES households (id),
    exited_on    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL
);
CREATE INDEX ladder_exits_person ON ladder_exits (person_id, exited_on);
CREATE INDEX ladder_exits_day ON ladder_exits (exited_on);

-- A coach's proposal under 12 kap. 5 § SoL, and the caseworker's outcome (reduce, refuse, dismiss) with reasons and
-- the decision that carries it. One proposal per activity and week.
CREATE TABLE sanction_proposals (
    id             INTEGER PRIMARY KEY,
    person_id      BIGINT NOT NULL REFERENCES persons (id),
    household_id   BIGINT NOT NULL REFERENCES households (id),
    activity_id    BIGINT NULL REFERENCES activities (id),
    week_start     TEXT NULL,
    ground         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    proposed_by    TEXT NOT NULL,
    proposed_at    BIGINT NOT NULL,
    outcome        TEXT NULL,
    outcome_reason TEXT NULL,
    decision_id    BIGINT NULL REFERENCES decisions (id),
    decided_by     TEXT NULL,
    decided_at     BIGINT NULL
);
CREATE INDEX sanction_proposals_household ON sanction_proposals (household_id);
CREATE INDEX sanction_proposals_open ON sanction_proposals (household_id) WHERE outcome IS NULL;
CREATE UNIQUE INDEX sanction_proposals_once ON sanction_proposals (activity_id, week_start)
    WHERE activity_id IS NOT NULL;
