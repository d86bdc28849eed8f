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

const credentialsInput = idParams.extend({ username: text().trim().min(1, 'Enter the store user’s name.').max(200), applicationPassword: text().min(1, 'Enter the application password.').max(500) });

export async function replaceCredentialsAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: credentialsInput }, form, async ({ id, username, applicationPassword }) =>
    updateConnection(await getDb(), id, { credentials: { username, applicationPassword } }),
  );
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
