import type { EventSubscriber } from '@/lib/events';
import { isSourceLocale } from '@/lib/locales';
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
    // The asset's own text is the source locale's: another locale's change is not written back from here.
    const assetIds = [...new Set(events.filter((event) => event.data.locale === undefined || isSourceLocale(String(event.data.locale))).map((event) => event.assetId))];
    await enqueueWritebacks(tx, assetIds, { modes: ['on_approval'] });
  },
};
