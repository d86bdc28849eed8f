import { getDb } from '@/db/client';
import { route, orThrow } from '@/lib/auth';
import { listDeliveries } from '@/lib/webhooks';
import { deliveriesListQuery, webhookParams } from '../../schema';

/** The endpoint's delivery log, newest first; `before` (a createdAt) pages back. */
export const GET = route({ role: 'admin', params: webhookParams, query: deliveriesListQuery }, async ({ params, query }) => {
  const { deliveries } = orThrow(await listDeliveries(await getDb(), params.id, query));
  return Response.json({ deliveries });
});
