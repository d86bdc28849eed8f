-- Groq's Batch API for the backfill (issue 23). One row per batch Loupe sends: the remote batch and file ids
-- once created, its status as last polled, and the run that sent it (whose written count and cost the results
-- add to). One row per line (custom_id), naming the asset and the version of its row when it was sent: an
-- answer lands only on the row as it was (a person's edit meanwhile wins), and each line's outcome is written
-- once, so a restart or a second poller never applies an answer twice.
CREATE TABLE "alt_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"status" text DEFAULT 'submitting' NOT NULL,
	"remote_id" text,
	"input_file_id" text,
	"output_file_id" text,
	"error_file_id" text,
	"completion_window" text NOT NULL,
	"lines" integer NOT NULL,
	"completed_lines" integer DEFAULT 0 NOT NULL,
	"failed_lines" integer DEFAULT 0 NOT NULL,
	"message" text,
	"backfill_run_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "alt_batch_lines" (
	"batch_id" uuid NOT NULL,
	"custom_id" text NOT NULL,
	"asset_id" uuid NOT NULL,
	"asset_version" integer NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"outcome" text,
	CONSTRAINT "alt_batch_lines_pk" PRIMARY KEY ("batch_id", "custom_id")
);
--> statement-breakpoint
ALTER TABLE "alt_batches" ADD CONSTRAINT "alt_batches_backfill_run_id_fk" FOREIGN KEY ("backfill_run_id") REFERENCES "public"."backfill_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alt_batch_lines" ADD CONSTRAINT "alt_batch_lines_batch_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."alt_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alt_batch_lines" ADD CONSTRAINT "alt_batch_lines_asset_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alt_batch_lines_open_idx" ON "alt_batch_lines" USING btree ("asset_id") WHERE "outcome" IS NULL;--> statement-breakpoint
CREATE INDEX "alt_batches_created_idx" ON "alt_batches" USING btree ("created_at");--> statement-breakpoint
-- The batch job is about its batch alone.
ALTER TABLE "jobs" ADD COLUMN "batch_id" uuid;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_batch_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."alt_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_batch_idx" ON "jobs" USING btree ("batch_id");--> statement-breakpoint
ALTER TABLE "jobs" DROP CONSTRAINT "jobs_one_subject";--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_one_subject" CHECK (CASE WHEN "delivery_id" IS NOT NULL THEN "asset_id" IS NULL AND "connection_id" IS NULL AND "download_id" IS NULL AND "batch_id" IS NULL WHEN "download_id" IS NOT NULL THEN "asset_id" IS NULL AND "connection_id" IS NULL AND "batch_id" IS NULL WHEN "batch_id" IS NOT NULL THEN "asset_id" IS NULL AND "connection_id" IS NULL ELSE "asset_id" IS NOT NULL OR "connection_id" IS NOT NULL END);--> statement-breakpoint
-- What a call cost where it was not the online price (a batch answer, at half): the budget and the runs read it.
ALTER TABLE "alt_history" ADD COLUMN "cost_usd" double precision;
