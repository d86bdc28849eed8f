import type { EventSubscriber } from '@/lib/events';
import { isSourceLocale } from '@/lib/locales';
import { enqueueTranslationWritebacks, enqueueWritebacks } from './writeback';

/**
 * Turns approved and changed alt text (each locale's) into writebacks to every store in on_approval mode, in the transaction
 * that recorded the event (lib/events lists it beside re-embedding and webhooks). enqueueWritebacks decides
 * which texts may go: a person's, approved or decorative, never the model's unapproved text.
 */
export const writebackSubscriber: EventSubscriber = {
  name: 'writeback',
  types: ['alt_text.approved', 'alt_text.changed'],
  async onEvents(tx, events) {
    // The asset's own text is the source locale's: another locale's change is not written back from here.
    const isSource = (event: (typeof events)[number]) => event.data.locale === undefined || isSourceLocale(String(event.data.locale));
    const assetIds = [...new Set(events.filter(isSource).map((event) => event.assetId))];
    await enqueueWritebacks(tx, assetIds, { modes: ['on_approval'] });
    // Another locale's approved text goes to the stores that keep alt text per language (Shopify, Drupal).
    const translated = new Map(events.filter((event) => !isSource(event) && event.assetId).map((event) => [`${event.assetId}/${String(event.data.locale)}`, { assetId: event.assetId as string, locale: String(event.data.locale) }]));
    await enqueueTranslationWritebacks(tx, [...translated.values()]);
  },
};
