-- A connection's non-secret, per-kind settings (lib/connectors: what the kind's accessFrom made of the admin's
-- input), beside the one encrypted secret.
ALTER TABLE "connections" ADD COLUMN "settings" jsonb DEFAULT '{}'::jsonb NOT NULL;
