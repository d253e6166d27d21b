-- Retention (issue 13), hand-written: drizzle-kit cannot express partitioning or views.
-- Every statement here takes a brief lock and rewrites no table, so the worker pauses only for the
-- migration's commit. The two new indexes on webhook_event_rows are the exception on a large
-- installation: create them CONCURRENTLY before migrating (docs/storage.md), and these
-- IF NOT EXISTS statements find them there.
-- The single table becomes the slim row table; its key, id sequence, indexes and the foreign key
-- from forward_deliveries move with it, and the bodies it holds stay in place until pruned.
ALTER TABLE "webhook_events" RENAME TO "webhook_event_rows";--> statement-breakpoint
ALTER SEQUENCE "webhook_events_id_seq" RENAME TO "webhook_event_rows_id_seq";--> statement-breakpoint
ALTER TABLE "forward_deliveries" RENAME CONSTRAINT "forward_deliveries_webhook_event_id_webhook_events_id_fk" TO "forward_deliveries_webhook_event_id_webhook_event_rows_id_fk";--> statement-breakpoint
ALTER TABLE "webhook_event_rows" ALTER COLUMN "raw_body" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_event_rows" ALTER COLUMN "headers" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_event_rows" ALTER COLUMN "headers" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "webhook_event_rows" ADD COLUMN "body_expires_on" date;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "webhook_event_rows_source_received_at_idx" ON "webhook_event_rows" USING btree ("source","received_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "webhook_event_rows_legacy_body_idx" ON "webhook_event_rows" USING btree ("source","received_at") WHERE "webhook_event_rows"."raw_body" is not null;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "operator_actions_at_idx" ON "operator_actions" USING btree ("at");--> statement-breakpoint
CREATE TABLE "webhook_event_bodies" (
	"event_row_id" bigint NOT NULL,
	"expires_on" date NOT NULL,
	"payload" jsonb,
	"raw_body" text NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "webhook_event_bodies_event_row_id_expires_on_pk" PRIMARY KEY("event_row_id","expires_on")
) PARTITION BY RANGE ("expires_on");--> statement-breakpoint
-- Catches a body whose day has no partition (yet), so that no insert ever fails for want of one.
CREATE TABLE "webhook_event_bodies_default" PARTITION OF "webhook_event_bodies" DEFAULT;--> statement-breakpoint
-- The days ahead the default horizon needs; the retention pass creates the following ones.
DO $$
BEGIN
	FOR day IN 0..45 LOOP
		EXECUTE format(
			'CREATE TABLE %I PARTITION OF webhook_event_bodies FOR VALUES FROM (%L) TO (%L)',
			'webhook_event_bodies_' || to_char(current_date + day, 'YYYYMMDD'), current_date + day, current_date + day + 1);
	END LOOP;
END
$$;--> statement-breakpoint
CREATE TABLE "retention_policies" (
	"source" text PRIMARY KEY NOT NULL,
	"payload_days" integer NOT NULL,
	"event_days" integer NOT NULL,
	"sweep_from" timestamp with time zone,
	"sweep_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE TABLE "retention_passes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "retention_passes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"ran_for" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed" jsonb NOT NULL
);--> statement-breakpoint
CREATE INDEX "retention_passes_finished_at_idx" ON "retention_passes" USING btree ("finished_at");--> statement-breakpoint
-- The day a body written now for `event_source` is pruned: the first midnight (UTC) after its
-- payload horizon, from the policy the last pass wrote (source '*': the defaults; else 30 days).
CREATE FUNCTION "hookline_body_expires_on"(event_source text, received timestamptz) RETURNS date
LANGUAGE sql STABLE AS $$
	SELECT (received AT TIME ZONE 'UTC')::date + 1 + coalesce(
		(SELECT payload_days FROM retention_policies WHERE source = event_source),
		(SELECT payload_days FROM retention_policies WHERE source = '*'),
		30)
$$;--> statement-breakpoint
-- The storage contract's table, for readers: rows with their bodies, legacy or partitioned.
CREATE VIEW "webhook_events" AS
SELECT r.id, r.source, r.event_id, r.event_type, r.entity_id, r.status,
	CASE WHEN b.event_row_id IS NULL THEN r.payload ELSE b.payload END AS payload,
	coalesce(b.raw_body, r.raw_body) AS raw_body,
	coalesce(b.headers, r.headers) AS headers,
	r.received_at, r.processed_at, r.attempts, r.last_error, r.transition,
	(b.event_row_id IS NULL AND r.raw_body IS NULL) AS pruned
FROM webhook_event_rows r
LEFT JOIN webhook_event_bodies b ON b.event_row_id = r.id AND b.expires_on = r.body_expires_on;--> statement-breakpoint
-- Scripts and tests that insert into webhook_events as they did into the table keep working
-- (without ON CONFLICT, which a view with a trigger does not take).
ALTER VIEW "webhook_events" ALTER COLUMN "attempts" SET DEFAULT 0;--> statement-breakpoint
ALTER VIEW "webhook_events" ALTER COLUMN "headers" SET DEFAULT '{}'::jsonb;--> statement-breakpoint
CREATE FUNCTION "hookline_insert_webhook_event"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	expires date;
BEGIN
	INSERT INTO webhook_event_rows (source, event_id, event_type, entity_id, status, received_at, processed_at,
		attempts, last_error, transition, body_expires_on)
	VALUES (NEW.source, NEW.event_id, NEW.event_type, NEW.entity_id, NEW.status, NEW.received_at, NEW.processed_at,
		coalesce(NEW.attempts, 0), NEW.last_error, NEW.transition, hookline_body_expires_on(NEW.source, NEW.received_at))
	RETURNING id, body_expires_on INTO NEW.id, expires;
	NEW.attempts := coalesce(NEW.attempts, 0);
	NEW.pruned := NEW.raw_body IS NULL;
	IF NEW.pruned THEN
		NEW.payload := NULL;
		NEW.headers := NULL;
	ELSE
		NEW.headers := coalesce(NEW.headers, '{}'::jsonb);
		INSERT INTO webhook_event_bodies (event_row_id, expires_on, payload, raw_body, headers)
		VALUES (NEW.id, expires, NEW.payload, NEW.raw_body, NEW.headers);
	END IF;
	RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "webhook_events_insert" INSTEAD OF INSERT ON "webhook_events"
	FOR EACH ROW EXECUTE FUNCTION hookline_insert_webhook_event();
