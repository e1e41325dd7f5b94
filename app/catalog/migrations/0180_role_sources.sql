-- Where a role came from, so that signing in through a directory (LDAP or
-- SAML) can add and remove the roles its groups map to without ever
-- touching a role an administrator gave by hand.
--   role_assignments.source: '' by hand, 'directory' from group mapping.
--   accounts.admin_source:   the same for the administrator flag.
ALTER TABLE role_assignments ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN admin_source TEXT NOT NULL DEFAULT '';
-- Until now every directory sign-in overwrote the flag of an SSO account,
-- so any flag such an account holds came from the directory.
UPDATE accounts SET admin_source = 'directory' WHERE is_admin = 1 AND external_id != '';
