import type { EventSubscriber } from '@/lib/events';
import { enqueueWritebacks } from './writeback';

/**
 * Turns approved and changed alt text into writebacks to every store in on_approval mode, in the transaction
 * that recorded the event (lib/events lists it beside re-embedding and webhooks). enqueueWritebacks decides
 * which texts may go: a person's, approved or decorative, never the model's unapproved text.
 */
export const writebackSubscriber: EventSubscriber = {
  name: 'writeback',
  types: ['alt_text.approved', 'alt_text.changed'],
  async onEvents(tx, events) {
    const assetIds = [...new Set(events.map((event) => event.assetId))];
    await enqueueWritebacks(tx, assetIds, { modes: ['on_approval'] });
  },
};
