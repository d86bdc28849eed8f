-- Full-text document for hybrid search: alt text (weight A) > tags and title (B) > filename and SKU (C).
-- A trigger rather than a generated column, because array_to_string is not immutable.
-- Filenames are split on separators so "navy_backpack-01.jpg" matches "navy backpack".
CREATE OR REPLACE FUNCTION assets_search_tsv() RETURNS trigger AS $$
BEGIN
  NEW.search_tsv :=
    setweight(to_tsvector('english', coalesce(NEW.alt_text, '')), 'A') ||
    setweight(to_tsvector('english', array_to_string(NEW.tags, ' ') || ' ' || coalesce(NEW.title, '') || ' ' || coalesce(NEW.collection, '')), 'B') ||
    setweight(to_tsvector('english', regexp_replace(NEW.filename || ' ' || coalesce(NEW.sku, ''), '[_.\-/]+', ' ', 'g')), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER assets_search_tsv_trigger
  BEFORE INSERT OR UPDATE OF alt_text, tags, title, collection, filename, sku ON assets
  FOR EACH ROW EXECUTE FUNCTION assets_search_tsv();
