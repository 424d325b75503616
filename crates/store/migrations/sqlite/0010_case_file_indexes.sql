-- The household page lists every month of a household. Applications and decisions carry their JSON (declaration,
-- frozen calculation) in the row, so reading a few small columns of fifty rows touched fifty scattered pages; these
-- covering indexes hold exactly the listed columns, side by side.
CREATE INDEX applications_household_list ON applications (household_id, month, id, status, received_on, current_decision_id, version);
CREATE INDEX decisions_summary ON decisions (application_id, id, replaces, total_granted, decided_by, decided_at, served_on);
CREATE INDEX decision_items_outcome ON decision_items (decision_id, outcome);
CREATE INDEX payments_by_decision ON payments (decision_id, id, batch_id, amount, status);
