-- One outbox for every change others care about (lib/events): webhook_events becomes events, always written
-- (not only when a webhook endpoint listens), with the asset it is about. Renamed rather than replaced so that
-- past events keep their ids: a redelivery of an old event keeps its webhook-id, which receivers dedupe on.
ALTER TABLE "webhook_events" RENAME TO "events";--> statement-breakpoint
ALTER TABLE "events" RENAME CONSTRAINT "webhook_events_pkey" TO "events_pkey";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" RENAME CONSTRAINT "webhook_deliveries_event_id_webhook_events_id_fk" TO "webhook_deliveries_event_id_events_id_fk";--> statement-breakpoint
-- No foreign key: asset.deleted outlives its asset.
ALTER TABLE "events" ADD COLUMN "asset_id" uuid;--> statement-breakpoint
UPDATE "events" SET "asset_id" = ("data" ->> 'id')::uuid WHERE "type" <> 'webhook.test' AND "data" ->> 'id' ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';--> statement-breakpoint
CREATE INDEX "events_created_idx" ON "events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "events_asset_idx" ON "events" USING btree ("asset_id","created_at");
