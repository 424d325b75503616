-- The appellant's own words, for appeals made in the e-service (paper appeals are scanned as documents).
ALTER TABLE appeals ADD COLUMN grounds TEXT NULL;
