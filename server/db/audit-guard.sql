-- Audit-log guard for a PostgreSQL server (issue 7): run ONCE as a superuser, in the application's database (or
-- in template1 before the database is created, so every new database inherits it):
--   psql -U postgres -d <database> -f server/db/audit-guard.sql
-- The migrations already refuse UPDATE/DELETE/TRUNCATE on audit_log (row/statement triggers), but the runtime
-- role owns the tables it created and could otherwise ALTER TABLE audit_log DISABLE TRIGGER or DROP the trigger.
-- These event triggers refuse, for every non-superuser, any ALTER of audit_log or its triggers and any DROP of
-- audit_log, its triggers or the append-only function. Creating the table and its triggers (first migration)
-- stays allowed; a later migration that alters audit_log must be applied by a superuser. Event triggers can only be created and removed by a superuser.
SET client_min_messages = warning;
CREATE OR REPLACE FUNCTION axilla_audit_guard_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN RETURN; END IF;
  FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
    -- the audit table is recognised by its append-only trigger (so a RENAME is caught too)
    IF r.command_tag IN ('ALTER TABLE', 'ALTER TRIGGER') AND (
         (r.object_type = 'table' AND EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = r.objid AND t.tgname = 'audit_log_no_update_delete'))
         OR (r.object_type = 'trigger' AND r.object_identity LIKE '%audit_log%')) THEN
      RAISE EXCEPTION 'audit_log is append-only: % on % refused', r.command_tag, r.object_identity USING ERRCODE = 'insufficient_privilege';
    END IF;
  END LOOP;
END;
$$;
CREATE OR REPLACE FUNCTION axilla_audit_guard_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN RETURN; END IF;
  FOR r IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
    IF r.object_identity LIKE '%audit_log%' THEN
      RAISE EXCEPTION 'audit_log is append-only: DROP % refused', r.object_identity USING ERRCODE = 'insufficient_privilege';
    END IF;
  END LOOP;
END;
$$;
DROP EVENT TRIGGER IF EXISTS axilla_audit_guard_ddl;
DROP EVENT TRIGGER IF EXISTS axilla_audit_guard_drop;
CREATE EVENT TRIGGER axilla_audit_guard_ddl ON ddl_command_end EXECUTE FUNCTION axilla_audit_guard_ddl();
CREATE EVENT TRIGGER axilla_audit_guard_drop ON sql_drop EXECUTE FUNCTION axilla_audit_guard_drop();
