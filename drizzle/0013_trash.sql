ALTER TABLE "assets" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "deleted_by" text;--> statement-breakpoint
CREATE INDEX "assets_trash_idx" ON "assets" USING btree ("deleted_at") WHERE "assets"."deleted_at" is not null;--> statement-breakpoint
DROP INDEX "assets_review_queue_idx";--> statement-breakpoint
CREATE INDEX "assets_review_queue_idx" ON "assets" USING btree ("created_at","id") WHERE "alt_status" in ('none', 'proposed') and "state" not in ('awaiting_upload', 'failed_upload') and "deleted_at" is null;
