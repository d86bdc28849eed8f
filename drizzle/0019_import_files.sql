-- A CSV file chosen on the import page waits here between its preview and its apply, so the page never sends
-- it back through the browser: its bytes in storage (under a key derived from the person and the digest), this
-- row naming who uploaded it, its SHA-256 (what the page's forms carry) and when it is forgotten. One row per
-- person and file.
CREATE TABLE "import_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"digest" text NOT NULL,
	"filename" text NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "import_files" ADD CONSTRAINT "import_files_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "import_files_user_digest_idx" ON "import_files" USING btree ("user_id","digest");--> statement-breakpoint
CREATE INDEX "import_files_expires_at_idx" ON "import_files" USING btree ("expires_at");
