import { inArray } from 'drizzle-orm';
import { assets, events, type EventType } from '@/db/schema';
import { config } from '@/lib/config';
import { JOB_PRIORITY, type Queryable } from '@/lib/jobs';
import { assetEventData, snapshotColumns } from './snapshot';
import { subscribers } from './subscribers';
import type { RecordedEvent } from './types';

/**
 * The outbox. The code that makes a change calls recordEvents in the change's own transaction, after its
 * UPDATE: the events are always written (whoever listens), and each subscriber turns those it cares about into
 * jobs in that same transaction. A change that rolls back leaves no event and no job; a change that commits
 * has both, even if the process dies right after. No call site wires a side effect of its own.
 */

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters, for a bulk decision on 10,000 assets. */
const CHUNK = 1_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK) out.push(items.slice(start, start + CHUNK));
  return out;
}

export interface RecordOptions {
  /** How soon the jobs the events cause should run (JOB_PRIORITY); background work unless a person waits. */
  priority?: number;
  /** Fields a change adds to an asset's payload (asset.deleted from the trash: until when it can come back). */
  extra?: ReadonlyMap<string, Record<string, unknown>>;
}

/**
 * Records each of `types` for each asset, as the assets are now inside the transaction (an asset not found, or
 * one already gone, records nothing), then hands them to the subscribers. Returns what was recorded.
 */
export async function recordEvents(
  tx: Queryable,
  types: EventType | readonly EventType[],
  assetIds: readonly string[],
  options: RecordOptions = {},
): Promise<RecordedEvent[]> {
  const wanted: readonly EventType[] = typeof types === 'string' ? [types] : types;
  if (!assetIds.length || !wanted.length) return [];
  const priority = options.priority ?? JOB_PRIORITY.backfill;
  const recorded: RecordedEvent[] = [];
  for (const ids of chunks([...new Set(assetIds)])) {
    const snapshots = await tx.select(snapshotColumns).from(assets).where(inArray(assets.id, ids));
    if (!snapshots.length) continue;
    for (const type of wanted) {
      const rows = await tx
        .insert(events)
        .values(snapshots.map((snapshot) => ({ type, assetId: snapshot.id, data: { ...assetEventData(snapshot), ...localeOf(type), ...options.extra?.get(snapshot.id) } })))
        .returning({ id: events.id, assetId: events.assetId, data: events.data });
      recorded.push(...rows.map((row) => ({ id: row.id, type, assetId: row.assetId ?? '', data: row.data, priority })));
    }
  }
  await dispatch(tx, recorded);
  return recorded;
}

/** An alt-text event is about one locale's record: the source locale's unless the change says otherwise (extra). */
function localeOf(type: EventType): { locale?: string } {
  return type.startsWith('alt_text.') ? { locale: config().locales.source } : {};
}

async function dispatch(tx: Queryable, recorded: readonly RecordedEvent[]): Promise<void> {
  if (!recorded.length) return;
  for (const subscriber of subscribers()) {
    const theirs = recorded.filter((event) => subscriber.types.includes(event.type));
    if (theirs.length) await subscriber.onEvents(tx, theirs);
  }
}
