ALTER TABLE "assets" ADD COLUMN "handle" text;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "image_src" text;