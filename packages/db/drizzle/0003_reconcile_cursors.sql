CREATE TABLE "reconcile_cursors" (
	"source" text PRIMARY KEY NOT NULL,
	"settled_before" timestamp with time zone NOT NULL,
	"last_success_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "operator_actions" DROP CONSTRAINT "operator_actions_action_check";--> statement-breakpoint
ALTER TABLE "operator_actions" ADD CONSTRAINT "operator_actions_action_check" CHECK ("operator_actions"."action" in ('replay','override','retry_failed','reconcile'));