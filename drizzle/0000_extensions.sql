-- pgvector: asset_embeddings stores one vector per (asset, model). Installed on the server by .ci/run
-- (PostgreSQL) or loaded from @electric-sql/pglite-pgvector (PGlite).
CREATE EXTENSION IF NOT EXISTS vector;
