CREATE TABLE "operator_actions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "operator_actions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"source" text,
	"event_id" text,
	"entity_id" text,
	"reason" text,
	"job_id" text,
	"result" text,
	"completed_at" timestamp with time zone,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "operator_actions_job_id_key" UNIQUE("job_id"),
	CONSTRAINT "operator_actions_action_check" CHECK ("operator_actions"."action" in ('replay','override','retry_failed'))
);
--> statement-breakpoint
CREATE INDEX "operator_actions_event_idx" ON "operator_actions" USING btree ("source","event_id");--> statement-breakpoint
CREATE INDEX "operator_actions_entity_idx" ON "operator_actions" USING btree ("source","entity_id");