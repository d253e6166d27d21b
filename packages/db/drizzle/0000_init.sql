CREATE TABLE "entity_states" (
	"source" text NOT NULL,
	"entity_id" text NOT NULL,
	"status" text NOT NULL,
	"status_rank" integer NOT NULL,
	"terminal" boolean NOT NULL,
	"last_event_id" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entity_states_source_entity_id_pk" PRIMARY KEY("source","entity_id")
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source" text NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text,
	"entity_id" text,
	"status" text,
	"payload" jsonb,
	"raw_body" text NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"transition" text,
	CONSTRAINT "webhook_events_source_event_id_key" UNIQUE("source","event_id"),
	CONSTRAINT "webhook_events_transition_check" CHECK ("webhook_events"."transition" in ('applied','unchanged','stale','terminal','reopened','unknown_status','none','override'))
);
--> statement-breakpoint
CREATE INDEX "webhook_events_received_at_idx" ON "webhook_events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "webhook_events_entity_idx" ON "webhook_events" USING btree ("source","entity_id");