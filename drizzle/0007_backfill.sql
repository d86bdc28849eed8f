ALTER TABLE "provider_state" ADD COLUMN "next_call_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "provider_state" ADD COLUMN "remaining_requests" integer;--> statement-breakpoint
ALTER TABLE "provider_state" ADD COLUMN "remaining_tokens" integer;--> statement-breakpoint
ALTER TABLE "provider_state" ADD COLUMN "calls_day" date;--> statement-breakpoint
ALTER TABLE "provider_state" ADD COLUMN "calls_today" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE TABLE "backfill_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trigger" text NOT NULL,
	"options" jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"selected" integer DEFAULT 0 NOT NULL,
	"written" integer DEFAULT 0 NOT NULL,
	"failed" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"stop_reason" text,
	"claimed_until" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "backfill_runs_started_idx" ON "backfill_runs" USING btree ("started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "backfill_runs_one_running_idx" ON "backfill_runs" USING btree ((true)) WHERE "backfill_runs"."ended_at" is null;
