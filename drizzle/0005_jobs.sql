CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"asset_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now(),
	"priority" integer NOT NULL,
	"claimed_until" timestamp with time zone,
	"claim_token" uuid,
	"input_hash" text,
	"succeeded_at" timestamp with time zone,
	"last_error_code" text,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_asset_kind_key_idx" ON "jobs" USING btree ("asset_id","kind","key");--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("priority","next_attempt_at") WHERE "jobs"."status" in ('pending', 'waiting', 'running');--> statement-breakpoint
-- Carry work over. Derive: pending while stored (keeping its attempts, retry time and error), failed as failed,
-- done for everything past it.
INSERT INTO "jobs" ("asset_id", "kind", "status", "attempts", "next_attempt_at", "priority", "succeeded_at", "last_error_code", "last_error")
SELECT "id", 'derive',
	CASE "state" WHEN 'stored' THEN 'pending' WHEN 'failed_derive' THEN 'failed' ELSE 'done' END,
	CASE WHEN "state" IN ('stored', 'failed_derive') THEN "attempts" ELSE 0 END,
	CASE "state" WHEN 'stored' THEN coalesce("next_attempt_at", now()) ELSE now() END,
	10,
	CASE WHEN "state" IN ('stored', 'failed_derive') THEN NULL ELSE "updated_at" END,
	CASE WHEN "state" IN ('stored', 'failed_derive') THEN "error_code" END,
	CASE WHEN "state" IN ('stored', 'failed_derive') THEN "error" END
FROM "assets" WHERE "state" NOT IN ('awaiting_upload', 'failed_upload');--> statement-breakpoint
-- Describe: pending until derived; failed as failed; alt text that failed and has no text yet is due again
-- when it said (waiting; parked without a time when no provider was configured); done otherwise.
INSERT INTO "jobs" ("asset_id", "kind", "status", "attempts", "next_attempt_at", "priority", "succeeded_at", "last_error_code", "last_error")
SELECT "id", 'describe',
	CASE
		WHEN "state" IN ('stored', 'derived') THEN 'pending'
		WHEN "state" = 'failed_describe' THEN 'failed'
		WHEN "alt_source" IS NULL AND NOT "decorative" AND "alt_status" = 'none' AND "alt_last_error" IS NOT NULL THEN 'waiting'
		ELSE 'done'
	END,
	CASE WHEN "state" IN ('derived', 'failed_describe') THEN "attempts" ELSE 0 END,
	CASE
		WHEN "state" = 'derived' THEN coalesce("next_attempt_at", now())
		WHEN "state" IN ('stored', 'failed_describe') THEN now()
		WHEN "alt_source" IS NULL AND NOT "decorative" AND "alt_status" = 'none' AND "alt_last_error" IS NOT NULL THEN "alt_next_attempt_at"
		ELSE now()
	END,
	10,
	CASE WHEN "state" IN ('stored', 'derived', 'failed_describe') THEN NULL ELSE "updated_at" END,
	CASE WHEN "state" IN ('derived', 'failed_describe') THEN "error_code" END,
	CASE WHEN "state" IN ('derived', 'failed_describe') THEN "error" END
FROM "assets" WHERE "state" NOT IN ('awaiting_upload', 'failed_upload', 'failed_derive');--> statement-breakpoint
-- Embed: one job per live model (active or building); done where the asset has that model's vector,
-- failed where the asset's embed step failed, pending otherwise (assets without vectors get embed jobs).
INSERT INTO "jobs" ("asset_id", "kind", "key", "status", "attempts", "next_attempt_at", "priority", "succeeded_at", "input_hash", "last_error_code", "last_error")
SELECT a."id", 'embed', m."id",
	CASE
		WHEN e."asset_id" IS NOT NULL THEN 'done'
		WHEN a."state" = 'failed_embed' THEN 'failed'
		ELSE 'pending'
	END,
	CASE WHEN e."asset_id" IS NULL AND a."state" IN ('described', 'failed_embed') THEN a."attempts" ELSE 0 END,
	CASE WHEN e."asset_id" IS NULL AND a."state" = 'described' THEN coalesce(a."next_attempt_at", now()) ELSE now() END,
	10,
	e."created_at",
	e."input_hash",
	CASE WHEN e."asset_id" IS NULL AND a."state" IN ('described', 'failed_embed') THEN a."error_code" END,
	CASE WHEN e."asset_id" IS NULL AND a."state" IN ('described', 'failed_embed') THEN a."error" END
FROM "assets" a
CROSS JOIN "embedding_models" m
LEFT JOIN "asset_embeddings" e ON e."asset_id" = a."id" AND e."model" = m."id"
WHERE m."status" IN ('active', 'building') AND a."state" NOT IN ('awaiting_upload', 'failed_upload', 'failed_derive', 'failed_describe');--> statement-breakpoint
DROP INDEX "assets_state_idx";--> statement-breakpoint
CREATE INDEX "assets_state_idx" ON "assets" USING btree ("state");--> statement-breakpoint
ALTER TABLE "assets" DROP COLUMN "attempts";--> statement-breakpoint
ALTER TABLE "assets" DROP COLUMN "next_attempt_at";
