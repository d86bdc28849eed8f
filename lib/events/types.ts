import type { EventType } from '@/db/schema';
import type { Queryable } from '@/lib/jobs';

export type { EventType };

/** One event as written to the outbox, handed to the subscribers in the transaction that wrote it. */
export interface RecordedEvent {
  id: string;
  type: EventType;
  /** The asset the event is about (kept after the asset is gone: asset.deleted). */
  assetId: string;
  /** The payload webhooks send: the asset as it is after the change (assetEventData), plus what the change adds. */
  data: Record<string, unknown>;
  /**
   * How soon the work it causes should run (JOB_PRIORITY): a person waiting on one photo, or bulk work behind
   * them. Not stored: it is about this change's jobs, not the event.
   */
  priority: number;
}

/**
 * Turns events into work (jobs) inside the transaction that records them, so the work commits or rolls back
 * with the change. Declared once, in the list in subscribers.ts.
 */
export interface EventSubscriber {
  name: string;
  types: readonly EventType[];
  onEvents(tx: Queryable, events: readonly RecordedEvent[]): Promise<void>;
}
