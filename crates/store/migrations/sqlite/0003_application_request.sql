-- What the applicant declared for the month (members, costs, incomes) as calc-contract JSON: the input the
-- caseworker's calculation starts from. Empty for applications received on paper before this column existed.
ALTER TABLE applications ADD COLUMN request_json TEXT NULL;
