-- Sign-in with e-legitimation finds a person's applicant account by the person (and makes it at the first
-- sign-in): at most one applicant account per person, so that two first sign-ins at once cannot make two.
-- Staff accounts are not covered: they are never found through a person.
CREATE UNIQUE INDEX accounts_applicant_person ON accounts (person_id) WHERE role = 'applicant';
