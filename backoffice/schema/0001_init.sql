-- Frontyard back office, version 1: the central database many terminals forward to (docs/FLEET.md).
-- Applied once by `frontyard-backoffice migrate`, in one transaction, as a role that may create roles.
-- Every stream table is keyed by (terminal_id, seq): the terminal's own sequence for that stream, so a
-- row sent twice is inserted once (INSERT ... ON CONFLICT DO NOTHING).

CREATE SCHEMA IF NOT EXISTS frontyard;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'frontyard_terminal') THEN
        CREATE ROLE frontyard_terminal NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'frontyard_backoffice') THEN
        CREATE ROLE frontyard_backoffice NOLOGIN;
    END IF;
END
$$;

-- Which login role is which terminal (filled by `frontyard-backoffice add-terminal`).
CREATE TABLE frontyard.terminal_roles (
    role_name text PRIMARY KEY,
    terminal_id text NOT NULL UNIQUE
);

-- The terminal id of the role this session runs as; NULL for every other role.
CREATE FUNCTION frontyard.current_terminal_id() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, frontyard
    AS $$ SELECT terminal_id FROM frontyard.terminal_roles WHERE role_name = session_user $$;

CREATE TABLE frontyard.terminals (
    terminal_id text PRIMARY KEY,
    office text NOT NULL,
    last_seen_time timestamptz,
    backlog_rows bigint,
    devices jsonb
);

CREATE TABLE frontyard.applications (
    terminal_id text NOT NULL,
    seq bigint NOT NULL,
    recorded_time timestamptz NOT NULL,
    received_time timestamptz NOT NULL DEFAULT now(),
    application_id text NOT NULL,           -- the outbox package id
    reception_id text NOT NULL,
    form_id text NOT NULL,
    title text NOT NULL,
    procedure_ids text[] NOT NULL,
    counter text NOT NULL,
    status text NOT NULL,                   -- as released; the back office moves it on
    released_time timestamptz,
    released_by text NOT NULL DEFAULT '',
    package jsonb,                          -- personal data: NULL after export + retention
    pdf bytea,                              -- personal data: NULL after export + retention
    exported_time timestamptz,
    corrected_time timestamptz,
    corrected_by text NOT NULL DEFAULT '',
    corrections jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (terminal_id, seq)
);
CREATE INDEX applications_by_status ON frontyard.applications (status, released_time);

CREATE TABLE frontyard.visits (
    terminal_id text NOT NULL,
    seq bigint NOT NULL,
    recorded_time timestamptz NOT NULL,
    received_time timestamptz NOT NULL DEFAULT now(),
    visit_id text NOT NULL,                 -- the reception id, not a person
    period text NOT NULL,                   -- e.g. 改革後
    life_event text NOT NULL DEFAULT '',
    counter text NOT NULL,
    procedure_ids text[] NOT NULL,
    channel text NOT NULL DEFAULT 'kiosk',
    arrived_time timestamptz NOT NULL,
    started_time timestamptz NOT NULL,
    finished_time timestamptz NOT NULL,
    wait_s double precision NOT NULL,
    handle_s double precision NOT NULL,
    forms_printed integer NOT NULL DEFAULT 0,
    writes_baseline integer NOT NULL DEFAULT 0,
    writes_saved integer NOT NULL DEFAULT 0,
    satisfaction double precision,
    PRIMARY KEY (terminal_id, seq)
);
CREATE INDEX visits_by_time ON frontyard.visits (started_time);

CREATE TABLE frontyard.payment_operations (
    terminal_id text NOT NULL,
    seq bigint NOT NULL,
    recorded_time timestamptz NOT NULL,
    received_time timestamptz NOT NULL DEFAULT now(),
    payment_id text NOT NULL,               -- the order id; never card data
    operation text NOT NULL,                -- sale, refund, reversal ...
    amount_yen bigint NOT NULL,
    brand text NOT NULL DEFAULT '',
    state text NOT NULL,
    sale_date date,
    PRIMARY KEY (terminal_id, seq)
);
CREATE INDEX payment_operations_by_date ON frontyard.payment_operations (sale_date);

CREATE TABLE frontyard.daily_closes (
    terminal_id text NOT NULL,
    seq bigint NOT NULL,
    recorded_time timestamptz NOT NULL,
    received_time timestamptz NOT NULL DEFAULT now(),
    business_date date NOT NULL,
    close_number bigint NOT NULL,
    sales_count integer NOT NULL,
    sales_yen bigint NOT NULL,
    refunds_count integer NOT NULL,
    refunds_yen bigint NOT NULL,
    reconciled boolean NOT NULL,
    totals jsonb NOT NULL DEFAULT '{}',    -- per brand / per method totals as the terminal closed them
    PRIMARY KEY (terminal_id, seq)
);

CREATE TABLE frontyard.device_events (
    terminal_id text NOT NULL,
    seq bigint NOT NULL,
    recorded_time timestamptz NOT NULL,
    received_time timestamptz NOT NULL DEFAULT now(),
    slot text NOT NULL,
    device_kind text NOT NULL,
    state text NOT NULL,
    fault text NOT NULL DEFAULT '',
    event_time timestamptz NOT NULL,
    PRIMARY KEY (terminal_id, seq)
);
CREATE INDEX device_events_by_time ON frontyard.device_events (event_time);

CREATE TABLE frontyard.audit_rows (
    terminal_id text NOT NULL,
    seq bigint NOT NULL,                    -- the audit chain's own seq
    recorded_time timestamptz NOT NULL,
    received_time timestamptz NOT NULL DEFAULT now(),
    actor_id text NOT NULL,
    action text NOT NULL,
    resource text NOT NULL,
    purpose text NOT NULL,
    outcome text NOT NULL,
    action_time timestamptz NOT NULL,
    prev_hash text NOT NULL,
    row_hash text NOT NULL,
    PRIMARY KEY (terminal_id, seq)
);

-- Live fleet board: the console LISTENs on frontyard_fleet.
CREATE FUNCTION frontyard.notify_fleet() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('frontyard_fleet',
                      json_build_object('terminal_id', NEW.terminal_id, 'table', TG_TABLE_NAME)::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER terminals_notify AFTER INSERT OR UPDATE ON frontyard.terminals
    FOR EACH ROW EXECUTE FUNCTION frontyard.notify_fleet();
CREATE TRIGGER device_events_notify AFTER INSERT ON frontyard.device_events
    FOR EACH ROW EXECUTE FUNCTION frontyard.notify_fleet();

-- Privileges: terminals insert their own rows only; the back office reads all and updates applications.
REVOKE ALL ON SCHEMA frontyard FROM PUBLIC;
GRANT USAGE ON SCHEMA frontyard TO frontyard_terminal, frontyard_backoffice;
REVOKE ALL ON FUNCTION frontyard.current_terminal_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION frontyard.current_terminal_id() TO frontyard_terminal, frontyard_backoffice;

GRANT SELECT, INSERT, UPDATE ON frontyard.terminals TO frontyard_terminal;
ALTER TABLE frontyard.terminals ENABLE ROW LEVEL SECURITY;
CREATE POLICY terminal_own_row ON frontyard.terminals TO frontyard_terminal
    USING (terminal_id = frontyard.current_terminal_id())
    WITH CHECK (terminal_id = frontyard.current_terminal_id());
CREATE POLICY backoffice_all ON frontyard.terminals TO frontyard_backoffice USING (true) WITH CHECK (true);

DO $$
DECLARE
    stream text;
BEGIN
    FOREACH stream IN ARRAY ARRAY['applications', 'visits', 'payment_operations', 'daily_closes',
                                  'device_events', 'audit_rows'] LOOP
        -- ON CONFLICT (terminal_id, seq) needs SELECT on the key columns: on its own rows only
        EXECUTE format('GRANT INSERT, SELECT (terminal_id, seq) ON frontyard.%I TO frontyard_terminal', stream);
        EXECUTE format('GRANT SELECT ON frontyard.%I TO frontyard_backoffice', stream);
        EXECUTE format('ALTER TABLE frontyard.%I ENABLE ROW LEVEL SECURITY', stream);
        EXECUTE format('CREATE POLICY terminal_insert_own ON frontyard.%I FOR INSERT TO frontyard_terminal'
                       ' WITH CHECK (terminal_id = frontyard.current_terminal_id())', stream);
        EXECUTE format('CREATE POLICY terminal_select_own ON frontyard.%I FOR SELECT TO frontyard_terminal'
                       ' USING (terminal_id = frontyard.current_terminal_id())', stream);
        EXECUTE format('CREATE POLICY backoffice_all ON frontyard.%I TO frontyard_backoffice'
                       ' USING (true) WITH CHECK (true)', stream);
    END LOOP;
END
$$;
GRANT SELECT ON frontyard.terminal_roles TO frontyard_backoffice;
GRANT UPDATE (status, exported_time, corrected_time, corrected_by, corrections, package, pdf)
    ON frontyard.applications TO frontyard_backoffice;
