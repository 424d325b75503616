-- A person's postal address from the population register (folkbokföringsadress), for the decision letter's
-- address block: JSON {"street", "postcode", "town"}; NULL when none is stored. It goes with the person's row at
-- gallring. The letter never prints it for skyddad folkbokföring (see domain::person::PostalAddress).
ALTER TABLE persons ADD COLUMN postal_address TEXT;
