-- Omprövning and the förvaltningsrätt (FL 37-39, 45-46 §§).
-- against_decision_id: after a reconsideration that met the appeal only in part, the new decision the appeal now is
-- against (NULL: the appealed decision itself). forwarded_on: the day it went to the court. judged_on and
-- court_reasons: the court's judgment (its outcome is in the status); court_reasons is free text about the person,
-- emptied by gallring.
ALTER TABLE appeals ADD COLUMN against_decision_id BIGINT NULL REFERENCES decisions (id);
ALTER TABLE appeals ADD COLUMN forwarded_on TEXT NULL;
ALTER TABLE appeals ADD COLUMN judged_on TEXT NULL;
ALTER TABLE appeals ADD COLUMN court_reasons TEXT NULL;

-- What went to the court with a forwarded appeal: the decisions, the appeal, the application's attachments. Ids only:
-- a name is shown from the record itself (an attachment deleted by gallring shows as removed).
CREATE TABLE appeal_documents (
    appeal_id BIGINT NOT NULL REFERENCES appeals (id),
    item_no   BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    ref_id    BIGINT NOT NULL,
    PRIMARY KEY (appeal_id, item_no)
);

-- Why a decision replaced another: omprövning or the court's judgment, the reasons, and for a change to the
-- person's disadvantage the FL 39 § ground with how it applies (free text, emptied by gallring).
CREATE TABLE decision_changes (
    decision_id      BIGINT PRIMARY KEY REFERENCES decisions (id),
    replaces         BIGINT NOT NULL REFERENCES decisions (id),
    kind             TEXT NOT NULL,
    appeal_id        BIGINT NULL REFERENCES appeals (id),
    reasons          TEXT NOT NULL,
    ground           TEXT NULL,
    ground_statement TEXT NULL
);
