import { getDb } from '@/db/client';
import { route, orThrow } from '@/lib/auth';
import { sendTestEvent } from '@/lib/webhooks';
import { webhookParams } from '../../schema';

/** Queues a webhook.test event for this endpoint; it is sent in the background and shows in its deliveries. */
export const POST = route({ role: 'admin', params: webhookParams }, async ({ params }) => {
  const { deliveryId } = orThrow(await sendTestEvent(await getDb(), params.id));
  return Response.json({ deliveryId }, { status: 202 });
});
