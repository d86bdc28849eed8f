-- Uploads over the part threshold go in parts (S3 multipart upload, or its local equivalent): the storage
-- driver's upload id and the part size the client was told, so a reload can resume and completion can check
-- every part. Null for single-PUT uploads and once the parts are assembled.
ALTER TABLE "assets" ADD COLUMN "multipart_upload_id" text;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "part_size" integer;
