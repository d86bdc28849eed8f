import { translationSubscriber } from '@/lib/alt';
import { writebackSubscriber } from '@/lib/connections';
import { webhookSubscriber } from '@/lib/webhooks';
import { reembedSubscriber } from './reembed';
import type { EventSubscriber } from './types';

/**
 * Everything that happens because of a change, in one list: each subscriber turns the events of its types into
 * jobs, in the order listed, inside the change's transaction. Adding one is one entry.
 * Built on first use rather than at import: a subscriber's module may import code that records events.
 */
let built: readonly EventSubscriber[] | undefined;
export function subscribers(): readonly EventSubscriber[] {
  return (built ??= [reembedSubscriber, webhookSubscriber, writebackSubscriber, translationSubscriber]);
}
