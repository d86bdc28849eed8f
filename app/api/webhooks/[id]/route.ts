import { getDb } from '@/db/client';
import { route, orThrow } from '@/lib/auth';
import { deleteEndpoint, setEndpointEnabled } from '@/lib/webhooks';
import { webhookParams, webhookUpdateBody } from '../schema';

/** Disable (events stop being recorded for it, queued ones are not sent) or enable again. */
export const PATCH = route({ role: 'admin', params: webhookParams, body: webhookUpdateBody }, async ({ params, body }) => {
  const { endpoint } = orThrow(await setEndpointEnabled(await getDb(), params.id, body.enabled));
  return Response.json({ endpoint });
});

export const DELETE = route({ role: 'admin', params: webhookParams }, async ({ params }) => {
  orThrow(await deleteEndpoint(await getDb(), params.id));
  return new Response(null, { status: 204 });
});
