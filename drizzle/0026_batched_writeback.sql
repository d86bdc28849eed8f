-- Batched writeback (issue 20). A store that writes several images a call (Shopify's fileUpdate) gets one
-- writeback job per connection, which takes the remotes waiting to be written in pages. Above
-- CONNECTIONS_BULK_WRITE_FROM such remotes ride in one of the store's own bulk operations: bulk_operation_id names
-- it and bulk_alt is the text sent in it, so any worker polling it after a restart settles each remote with what
-- was sent. The partial index finds a connection's waiting remotes without reading the linked ones.
ALTER TABLE "asset_remotes" ADD COLUMN "bulk_operation_id" text;
--> statement-breakpoint
ALTER TABLE "asset_remotes" ADD COLUMN "bulk_alt" text;
--> statement-breakpoint
CREATE INDEX "asset_remotes_waiting_idx" ON "asset_remotes" USING btree ("connection_id","remote_id") WHERE "pending_run_id" is not null or "restore_pending";
