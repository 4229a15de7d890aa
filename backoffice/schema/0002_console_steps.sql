-- Frontyard back office, version 2: who took each back-office step on an application (the console).
-- A terminal forwards an application as released; the back office checks it (status 'checked'), then
-- exports it (status 'exported'). The corrections column keeps the corrected field keys, never values.

ALTER TABLE frontyard.applications
    ADD COLUMN checked_time timestamptz,
    ADD COLUMN checked_by text NOT NULL DEFAULT '',
    ADD COLUMN exported_by text NOT NULL DEFAULT '';

-- The retention purge finds exported applications whose personal data is still there.
CREATE INDEX applications_to_purge ON frontyard.applications (exported_time)
    WHERE package IS NOT NULL OR pdf IS NOT NULL;

GRANT UPDATE (checked_time, checked_by, exported_by) ON frontyard.applications TO frontyard_backoffice;

-- The console's fleet board reads every terminal's row (version 1 granted it only to the terminals).
GRANT SELECT ON frontyard.terminals TO frontyard_backoffice;
