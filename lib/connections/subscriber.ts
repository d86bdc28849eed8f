import type { Queryable } from '@/lib/jobs';
import { enqueueWritebacks } from './writeback';

/**
 * Turns approved and changed alt text into writebacks to every store in on_approval mode, in the transaction
 * that recorded the event. Shaped as lib/events' EventSubscriber (structurally, so this folder does not depend
 * on the outbox): the outbox registers it once it lands.
 */
export interface AltTextEvent {
  id: string;
  type: string;
  assetId: string | null;
  data: unknown;
}

export const writebackSubscriber = {
  name: 'writeback',
  types: ['alt_text.approved', 'alt_text.changed'] as const,
  async onEvents(tx: Queryable, events: readonly AltTextEvent[]): Promise<void> {
    const assetIds = [...new Set(events.map((event) => event.assetId).filter((id): id is string => id !== null))];
    await enqueueWritebacks(tx, assetIds, { modes: ['on_approval'] });
  },
};
