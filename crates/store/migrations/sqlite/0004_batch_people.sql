-- Who prepared and who approved a payment batch: the four-eyes rule compares them, and the log shows them.
ALTER TABLE payment_batches ADD COLUMN created_by TEXT NULL;
ALTER TABLE payment_batches ADD COLUMN approved_by TEXT NULL;
