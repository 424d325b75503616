-- The application a document came with: an online application carries its attachments (bilagor). NULL for a
-- document attached to a person's file on its own. A column rather than a link table because a document comes with
-- at most one application, and because gallring deletes a person's documents outright: the link goes with them,
-- while the application (the board's accounts) stays.
ALTER TABLE documents ADD COLUMN application_id BIGINT NULL REFERENCES applications (id);
CREATE INDEX documents_application ON documents (application_id);
