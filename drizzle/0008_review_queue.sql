ALTER TABLE "alt_history" ADD COLUMN "previous" jsonb;--> statement-breakpoint
CREATE INDEX "assets_review_queue_idx" ON "assets" USING btree ("created_at","id") WHERE "alt_status" in ('none', 'proposed') and "state" not in ('awaiting_upload', 'failed_upload');--> statement-breakpoint
CREATE INDEX "assets_alt_text_md5_idx" ON "assets" USING btree (md5("alt_text")) WHERE "alt_text" <> '';--> statement-breakpoint
CREATE INDEX "assets_collection_idx" ON "assets" USING btree ("collection");
