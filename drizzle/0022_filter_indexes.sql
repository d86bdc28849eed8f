-- The filter language (lib/filters) matches a tag and a collection whatever their case. Indexes over the
-- lower-cased values let those matches use an index as the exact-case ones did (assets_tags_idx,
-- assets_collection_idx): a selective filter in search reads its few rows instead of every asset.
CREATE FUNCTION loupe_lower_tags(tags text[]) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(array_agg(lower(tag)), '{}') FROM unnest(tags) AS tag $$;
--> statement-breakpoint
CREATE INDEX "assets_tags_lower_idx" ON "assets" USING gin (loupe_lower_tags("tags"));
--> statement-breakpoint
CREATE INDEX "assets_collection_lower_idx" ON "assets" USING btree (lower("collection"));
