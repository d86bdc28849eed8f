'use server';

import { z } from 'zod';
import { getDb } from '@/db/client';
import { guardedFormAction, idParams } from '@/lib/auth';
import type { FormState } from '@/lib/auth';
import { createEndpoint, deleteEndpoint, endpointInput, redeliver, sendTestEvent, setEndpointEnabled } from '@/lib/webhooks';

const ADMIN_PAGE = { role: 'admin', page: '/admin/webhooks' } as const;

export async function createWebhookAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: endpointInput }, form, async (input, caller) => {
    const created = await createEndpoint(await getDb(), caller.userId, input);
    return created.ok ? { ok: true, secret: created.secret } : created;
  });
}

const enabledInput = idParams.extend({ enabled: z.enum(['true', 'false']).transform((value) => value === 'true') });

export async function setWebhookEnabledAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: enabledInput }, form, async ({ id, enabled }) => setEndpointEnabled(await getDb(), id, enabled));
}

export async function deleteWebhookAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: idParams }, form, async ({ id }) => deleteEndpoint(await getDb(), id));
}

export async function testWebhookAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: idParams }, form, async ({ id }) => sendTestEvent(await getDb(), id));
}

const deliveryInput = idParams.extend({ deliveryId: z.uuid('Not a delivery id.') });

export async function redeliverAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: deliveryInput }, form, async ({ id, deliveryId }) => redeliver(await getDb(), id, deliveryId));
}
