'use server';

import { z } from 'zod';
import { getDb } from '@/db/client';
import { WRITEBACK_MODES } from '@/db/schema';
import { guardedFormAction, idParams } from '@/lib/auth';
import type { FormState } from '@/lib/auth';
import { connectionInput, createConnection, deleteConnection, requestSync, requestWriteback, undoRun, updateConnection } from '@/lib/connections';
import { text } from '@/lib/text-input';
import { plural } from '@/lib/words';

const ADMIN_PAGE = { role: 'admin', page: '/admin/connections' } as const;

export async function createConnectionAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: connectionInput }, form, async (input, caller) => createConnection(await getDb(), caller.userId, input));
}

export async function syncConnectionAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: idParams }, form, async ({ id }) => {
    const queued = await requestSync(await getDb(), id);
    return queued.ok ? { ok: true, notice: { tone: 'success', text: 'Sync queued: it runs in the background; reload to follow it in the log.' } } : queued;
  });
}

const modeInput = idParams.extend({ writebackMode: z.enum(WRITEBACK_MODES) });

export async function setWritebackModeAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: modeInput }, form, async ({ id, writebackMode }) => updateConnection(await getDb(), id, { writebackMode }));
}

const pausedInput = idParams.extend({ paused: z.enum(['true', 'false']).transform((value) => value === 'true') });

export async function setPausedAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: pausedInput }, form, async ({ id, paused }) => updateConnection(await getDb(), id, { paused }));
}

/** The connection's id, and its kind's credential fields: updateConnection parses those as the kind asks. */
const credentialsInput = z.object({ id: idParams.shape.id }).catchall(text().max(1000));

export async function replaceCredentialsAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: credentialsInput }, form, async ({ id, ...credentials }) => updateConnection(await getDb(), id, { credentials }));
}

export async function deleteConnectionAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: idParams }, form, async ({ id }) => deleteConnection(await getDb(), id));
}

export async function writeBackNowAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: idParams }, form, async ({ id }) => {
    const queued = await requestWriteback(await getDb(), id);
    return queued.ok ? { ok: true, notice: { tone: 'success', text: `${plural(queued.queued, 'text')} queued to be written back.` } } : queued;
  });
}

const undoInput = idParams.extend({ runId: z.uuid('Not a run id.') });

export async function undoRunAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: undoInput }, form, async ({ id, runId }) => {
    const queued = await undoRun(await getDb(), id, runId);
    return queued.ok ? { ok: true, notice: { tone: 'success', text: `${plural(queued.queued, 'text')} will be put back in the store.` } } : queued;
  });
}
