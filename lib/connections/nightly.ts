import type { Db } from '@/db/handle';
import { enqueueNightlySyncs } from './sync';
import { enqueueNightlyWritebacks } from './writeback';

/**
 * What the nightly cron (the backfill's) asks of the connected stores: a sync of every active connection, and
 * the writebacks of connections in nightly mode. Both are queued jobs; the sweeper runs them.
 */
export async function enqueueNightlyWork(db: Db): Promise<{ syncs: number; writebacks: number }> {
  return { syncs: await enqueueNightlySyncs(db), writebacks: await enqueueNightlyWritebacks(db) };
}
