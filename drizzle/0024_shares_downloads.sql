-- ZIP downloads of many photos and share links (issue 22). A download too large to stream in the answer is a
-- row here and a job about it (jobs.download_id) that writes the ZIP to storage; a share is a token (kept only
-- as its SHA-256) naming frozen photo ids or a collection, with an expiry and a revocation.
CREATE TABLE "downloads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"requested_by" text NOT NULL,
	"preset" text,
	"asset_ids" uuid[] NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"zip_key" text,
	"size_bytes" bigint,
	"entries" integer,
	"skipped" integer,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "downloads" ADD CONSTRAINT "downloads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "downloads_user_idx" ON "downloads" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "downloads_expires_idx" ON "downloads" USING btree ("expires_at");--> statement-breakpoint
CREATE TABLE "shares" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" uuid,
	"created_by_name" text NOT NULL,
	"asset_ids" uuid[],
	"collection" text,
	"label" text NOT NULL,
	"allow_download" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shares_one_selection" CHECK (("asset_ids" IS NULL) <> ("collection" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "shares" ADD CONSTRAINT "shares_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "shares_token_hash_idx" ON "shares" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "shares_created_idx" ON "shares" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "download_id" uuid;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_download_id_downloads_id_fk" FOREIGN KEY ("download_id") REFERENCES "public"."downloads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_download_idx" ON "jobs" USING btree ("download_id");--> statement-breakpoint
ALTER TABLE "jobs" DROP CONSTRAINT "jobs_one_subject";--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_one_subject" CHECK (CASE WHEN "delivery_id" IS NOT NULL THEN "asset_id" IS NULL AND "connection_id" IS NULL AND "download_id" IS NULL WHEN "download_id" IS NOT NULL THEN "asset_id" IS NULL AND "connection_id" IS NULL ELSE "asset_id" IS NOT NULL OR "connection_id" IS NOT NULL END);
