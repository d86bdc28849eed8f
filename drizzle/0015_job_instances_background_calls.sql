CREATE TABLE "instances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"role" text NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "claimed_by" uuid;--> statement-breakpoint
ALTER TABLE "alt_history" ADD COLUMN "background" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "alt_history_background_idx" ON "alt_history" USING btree ("created_at") WHERE "alt_history"."background";
