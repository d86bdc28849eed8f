import { z } from 'zod';
import { deliveriesQuery, endpointInput, endpointUpdate } from '@/lib/webhooks';

/** The webhook routes' input: the endpoint schemas live in lib/webhooks, shared with the admin page's forms. */
export const webhookBody = endpointInput;
export const webhookUpdateBody = endpointUpdate;
export const webhookParams = z.object({ id: z.uuid('Not a webhook endpoint id.') });
export const deliveryParams = z.object({ id: z.uuid('Not a webhook endpoint id.'), deliveryId: z.uuid('Not a delivery id.') });
export const deliveriesListQuery = deliveriesQuery;
