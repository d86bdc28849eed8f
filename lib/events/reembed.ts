import { embedJobsFor, enqueueJob } from '@/lib/jobs';
import type { EventSubscriber } from './types';

/**
 * Search embeds alt text, tags and the filename, so a change to them queues the asset's embed jobs (one per
 * live model), keyed by the input's hash: a change that leaves the embedded input as it was (a title, an
 * approval) asks for nothing new, and a model that is down now only delays the job.
 */
export const reembedSubscriber: EventSubscriber = {
  name: 're-embed',
  types: ['alt_text.changed', 'asset.updated'],
  async onEvents(tx, events) {
    const urgency = new Map<string, number>();
    for (const event of events) urgency.set(event.assetId, Math.min(urgency.get(event.assetId) ?? event.priority, event.priority));
    // One read of the assets per priority (a bulk decision's thousands at once), then a job per asset and model.
    for (const priority of new Set(urgency.values())) {
      const assetIds = [...urgency].filter(([, urgent]) => urgent === priority).map(([assetId]) => assetId);
      for (const job of await embedJobsFor(assetIds, tx, priority)) await enqueueJob(tx, job);
    }
  },
};
