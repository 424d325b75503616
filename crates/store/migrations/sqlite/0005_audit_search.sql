-- The auditor's searches (by person, by user, by period) read the newest records first; without these every search
-- would scan the whole trail.
CREATE INDEX audit_log_subject ON audit_log (subject_person, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_at ON audit_log (at);
