-- The filter language (lib/filters) matches a tag whatever its case. An index over the lower-cased tags lets that
-- match use an index as the exact-case `tags @>` match used assets_tags_idx: a selective tag filter in search
-- reads its few rows instead of every asset.
CREATE FUNCTION loupe_lower_tags(tags text[]) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(array_agg(lower(tag)), '{}') FROM unnest(tags) AS tag $$;
--> statement-breakpoint
CREATE INDEX "assets_tags_lower_idx" ON "assets" USING gin (loupe_lower_tags("tags"));
