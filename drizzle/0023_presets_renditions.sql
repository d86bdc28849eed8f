-- Presets an admin defines (the built-in ones live in code, lib/renditions/presets.ts) and the renditions made
-- from them: one row per (asset, preset, preset hash), so a changed preset makes a new file rather than serving
-- the old one. A row is claimed ('making', with a claim token and a lease) by the request that makes the file;
-- concurrent requests wait for it to be 'ready'. Rows go with their asset; the purge deletes their objects first.
CREATE TABLE "presets" (
	"name" text PRIMARY KEY NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"fit" text NOT NULL,
	"background" text NOT NULL,
	"format" text NOT NULL,
	"quality" integer NOT NULL,
	"metadata" text NOT NULL,
	"trim" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "presets" ADD CONSTRAINT "presets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "renditions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"asset_id" uuid NOT NULL,
	"preset" text NOT NULL,
	"preset_hash" text NOT NULL,
	"key" text NOT NULL,
	"status" text DEFAULT 'making' NOT NULL,
	"content_type" text NOT NULL,
	"bytes" integer,
	"width" integer,
	"height" integer,
	"etag" text,
	"claim_token" uuid,
	"claimed_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "renditions_key_unique" UNIQUE("key")
);
--> statement-breakpoint
ALTER TABLE "renditions" ADD CONSTRAINT "renditions_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "renditions_asset_preset_hash_idx" ON "renditions" USING btree ("asset_id","preset","preset_hash");
