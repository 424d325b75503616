-- The caseworker's queue (issue #12): an application is assigned to one caseworker (handläggare), or to nobody yet.
-- Every change of assignment writes an `application.assign` audit record in the same transaction.
ALTER TABLE applications ADD COLUMN assigned_to BIGINT NULL REFERENCES staff (id);

-- The queue lists open applications (received, under investigation) by unit, assignee, status, month and the day
-- received; these partial indexes hold the open ones only, which are few beside years of decided months.
CREATE INDEX applications_open_assigned ON applications (assigned_to, received_on, id)
    WHERE status IN ('received', 'under_investigation');
CREATE INDEX applications_open_received ON applications (received_on, id)
    WHERE status IN ('received', 'under_investigation');
-- The household's unit is the queue's first filter.
CREATE INDEX households_unit ON households (unit_id, id);
-- Search by name prefix and exact personnummer (pnr is already unique, hence indexed).
CREATE INDEX persons_name ON persons (name);
