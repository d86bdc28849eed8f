-- Shop connections (lib/connections): a store Loupe reads photos from and writes approved alt text back to.
-- The credential is stored encrypted (AES-256-GCM: ciphertext, IV and tag), never in plain text.
CREATE TABLE "connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"username" text NOT NULL,
	"secret_ciphertext" text NOT NULL,
	"secret_iv" text NOT NULL,
	"secret_tag" text NOT NULL,
	"account" text,
	"writeback_mode" text DEFAULT 'on_approval' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"status_message" text,
	"sync_since" text,
	"sync_cursor" text,
	"sync_high_water" text,
	"next_call_at" timestamp with time zone,
	"last_synced_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "connection_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"outcome" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"seen" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"linked" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"written" integer DEFAULT 0 NOT NULL,
	"conflicts" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connection_runs" ADD CONSTRAINT "connection_runs_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "connection_runs_connection_idx" ON "connection_runs" USING btree ("connection_id","started_at");--> statement-breakpoint
-- One sync run open per connection: a crashed run is continued, never doubled.
CREATE UNIQUE INDEX "connection_runs_one_open_sync_idx" ON "connection_runs" USING btree ("connection_id") WHERE "kind" = 'sync' AND "ended_at" IS NULL;--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid,
	"remote_id" text,
	"title" text NOT NULL,
	"sku" text,
	"handle" text,
	"collection" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "products_remote_idx" ON "products" USING btree ("connection_id","remote_id");--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "product_id" uuid;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "product_position" integer;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assets_product_idx" ON "assets" USING btree ("product_id","product_position");--> statement-breakpoint
CREATE TABLE "asset_remotes" (
	"connection_id" uuid NOT NULL,
	"remote_id" text NOT NULL,
	"asset_id" uuid NOT NULL,
	"url" text NOT NULL,
	"remote_alt" text,
	"last_seen_alt" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"last_written_at" timestamp with time zone,
	"written_version" integer,
	"previous_alt" text,
	"restore_pending" boolean DEFAULT false NOT NULL,
	"pending_run_id" uuid,
	"last_run_id" uuid,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "asset_remotes_connection_id_remote_id_pk" PRIMARY KEY("connection_id","remote_id")
);
--> statement-breakpoint
ALTER TABLE "asset_remotes" ADD CONSTRAINT "asset_remotes_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_remotes" ADD CONSTRAINT "asset_remotes_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "asset_remotes_asset_idx" ON "asset_remotes" USING btree ("asset_id");--> statement-breakpoint
-- Jobs about a connection: a sync (connection only) or a writeback (an asset and a connection).
ALTER TABLE "jobs" ADD COLUMN "connection_id" uuid;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" DROP CONSTRAINT "jobs_one_subject";--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_one_subject" CHECK (CASE WHEN "delivery_id" IS NOT NULL THEN "asset_id" IS NULL AND "connection_id" IS NULL ELSE "asset_id" IS NOT NULL OR "connection_id" IS NOT NULL END);--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_connection_kind_idx" ON "jobs" USING btree ("connection_id","kind") WHERE "asset_id" IS NULL AND "connection_id" IS NOT NULL;
