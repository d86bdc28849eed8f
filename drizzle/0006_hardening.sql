DELETE FROM "invites" AS "older" USING "invites" AS "newer" WHERE "older"."used_at" IS NULL AND "newer"."used_at" IS NULL AND "older"."email" = "newer"."email" AND ("older"."created_at", "older"."id") < ("newer"."created_at", "newer"."id");--> statement-breakpoint
CREATE UNIQUE INDEX "invites_pending_email_idx" ON "invites" USING btree ("email") WHERE "invites"."used_at" is null;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "upload_key" text;--> statement-breakpoint
UPDATE "assets" SET "upload_key" = "original_key", "original_key" = 'o/' || substr(md5(random()::text || "id"::text), 1, 24) WHERE "state" = 'awaiting_upload';--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_upload_key_unique" UNIQUE("upload_key");--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"count" integer NOT NULL
);
