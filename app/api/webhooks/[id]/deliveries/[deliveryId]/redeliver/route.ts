import { getDb } from '@/db/client';
import { route, orThrow } from '@/lib/auth';
import { redeliver } from '@/lib/webhooks';
import { deliveryParams } from '../../../../schema';

/** Sends the delivery again from its first attempt, with the same webhook-id. */
export const POST = route({ role: 'admin', params: deliveryParams }, async ({ params }) => {
  orThrow(await redeliver(await getDb(), params.id, params.deliveryId));
  return Response.json({ queued: params.deliveryId }, { status: 202 });
});
