-- The ladder's statistics (issue #13, `store::ladder_stats`): a unit manager's figures for their own units start
-- from the households of those units, and find the persons assessed in them through this index.
CREATE INDEX assessments_household ON assessments (household_id, person_id);
