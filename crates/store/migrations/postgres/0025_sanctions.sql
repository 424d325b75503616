-- Sanction proposals under 12 kap. 5 § SoL (issue #13): a refusal of an offered activity has no week, so migration
-- 0023's one-per-activity-and-week index does not reach it; at most one such proposal per activity is open at a
-- time (a dismissed or decided one may be followed by a new refusal).
CREATE UNIQUE INDEX sanction_proposals_open_refusal ON sanction_proposals (activity_id)
    WHERE activity_id IS NOT NULL AND week_start IS NULL AND outcome IS NULL;
-- The proposals a decision carried (the letter and the household page read them by decision).
CREATE INDEX sanction_proposals_decision ON sanction_proposals (decision_id) WHERE decision_id IS NOT NULL;
