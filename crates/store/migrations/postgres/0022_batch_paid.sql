-- A payment run is paid when the bank confirms it, not when its file is made: who recorded the bank's confirmation
-- and when. Runs exported before this migration already made their applications paid, so they count as paid (at
-- their export, by nobody recorded) and the two stay in step.
ALTER TABLE payment_batches ADD COLUMN paid_at BIGINT NULL;
ALTER TABLE payment_batches ADD COLUMN paid_by TEXT NULL;
UPDATE payment_batches SET status = 'paid', paid_at = exported_at WHERE status = 'exported';
