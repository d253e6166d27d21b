CREATE TABLE "forward_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "forward_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"delivery_id" bigint NOT NULL,
	"destination" text NOT NULL,
	"attempt" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"outcome" text,
	"status_code" integer,
	"error" text,
	"duration_ms" integer,
	CONSTRAINT "forward_attempts_delivery_attempt_key" UNIQUE("delivery_id","attempt"),
	CONSTRAINT "forward_attempts_outcome_check" CHECK ("forward_attempts"."outcome" in ('delivered','retry','rejected','failed'))
);
--> statement-breakpoint
CREATE TABLE "forward_deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "forward_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"message_id" text NOT NULL,
	"webhook_event_id" bigint NOT NULL,
	"destination" text NOT NULL,
	"entity_status" text,
	"transition" text NOT NULL,
	"replay" boolean DEFAULT false NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "forward_deliveries_message_id_key" UNIQUE("message_id"),
	CONSTRAINT "forward_deliveries_state_check" CHECK ("forward_deliveries"."state" in ('pending','delivered','failed'))
);
--> statement-breakpoint
ALTER TABLE "forward_attempts" ADD CONSTRAINT "forward_attempts_delivery_id_forward_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."forward_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forward_deliveries" ADD CONSTRAINT "forward_deliveries_webhook_event_id_webhook_events_id_fk" FOREIGN KEY ("webhook_event_id") REFERENCES "public"."webhook_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "forward_deliveries_event_idx" ON "forward_deliveries" USING btree ("webhook_event_id");--> statement-breakpoint
CREATE INDEX "forward_deliveries_pending_idx" ON "forward_deliveries" USING btree ("created_at") WHERE "forward_deliveries"."state" = 'pending';