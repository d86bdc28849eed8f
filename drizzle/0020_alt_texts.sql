-- Alt text per (asset, locale). Rows for the source locale are created from the asset's alt_* columns by
-- lib/alt/adopt.ts after migrations (the source locale is configurable, so SQL cannot know its tag).
CREATE TABLE "alt_texts" (
	"asset_id" uuid NOT NULL REFERENCES "assets"("id") ON DELETE CASCADE,
	"locale" text NOT NULL,
	"text" text,
	"status" text DEFAULT 'missing' NOT NULL,
	"source" text,
	"author" text,
	"model" text,
	"prompt_version" text,
	"source_hash" text,
	"stale" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"failure_code" text,
	"failure_message" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search_config" text DEFAULT 'simple' NOT NULL,
	"search_tsv" tsvector,
	CONSTRAINT "alt_texts_asset_id_locale_pk" PRIMARY KEY ("asset_id", "locale")
);
--> statement-breakpoint
CREATE INDEX "alt_texts_queue_idx" ON "alt_texts" USING btree ("locale", "status");
--> statement-breakpoint
CREATE INDEX "alt_texts_search_tsv_idx" ON "alt_texts" USING gin ("search_tsv");
--> statement-breakpoint
-- Full text per locale, in that language's configuration (the writer sets search_config from the locale).
CREATE OR REPLACE FUNCTION alt_texts_search_tsv() RETURNS trigger AS $$
BEGIN
  NEW.search_tsv := to_tsvector(NEW.search_config::regconfig, coalesce(NEW.text, ''));
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER alt_texts_search_tsv_trigger
  BEFORE INSERT OR UPDATE OF text, search_config ON alt_texts
  FOR EACH ROW EXECUTE FUNCTION alt_texts_search_tsv();
--> statement-breakpoint
ALTER TABLE "alt_history" ADD COLUMN "locale" text;
