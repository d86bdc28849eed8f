import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import type { z } from 'zod';
import { ApiError } from '@/lib/errors';
import { setSessionCookie } from './action-session';
import type { Caller } from './caller';
import type { FormNotice, FormState } from './form-state';
import { assertActionOrigin, requireAction } from './guard';
import type { Result } from './result';
import type { Role } from './roles';
import { firstIssue } from './schemas';
import type { NewSession } from './sessions';

/** The server-action side of every account form: the API's schemas and library calls, answered as form state. */

/** Parses a form with the API's schema; an empty field counts as absent (so optional fields and defaults work). */
export function parseForm<T extends z.ZodType>(schema: T, form: FormData): Result<{ data: z.output<T> }> {
  const parsed = schema.safeParse(Object.fromEntries([...form].filter(([, value]) => value !== '')));
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, code: 'validation_failed', message: firstIssue(parsed.error) };
}

/** Runs an action's body, answering the guard's refusals (bad origin, session ended, wrong role) as form errors. */
async function formAction(body: () => Promise<FormState>): Promise<FormState> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ApiError) return { error: error.message };
    throw error;
  }
}

/**
 * A form that ends signed in (setup, sign-in, invite): same origin only, then the library call; a session it
 * returns becomes the cookie and the browser goes to the library.
 */
export async function sessionFormAction<T extends z.ZodType>(
  schema: T,
  form: FormData,
  run: (input: z.output<T>) => Promise<Result<{ session: NewSession }>>,
): Promise<FormState> {
  const outcome = await formAction(async () => {
    await assertActionOrigin();
    const input = parseForm(schema, form);
    if (!input.ok) return { error: input.message };
    const result = await run(input.data);
    if (!result.ok) return { error: result.message };
    await setSessionCookie(result.session);
    return { error: null };
  });
  // Outside formAction: redirect() works by throwing, and only a success should leave the page.
  if (outcome.error === null) redirect('/');
  return outcome;
}

/** A form on a guarded page: requireAction(role), then the library call; success re-renders `page` and may carry a one-time secret and a notice. */
export async function guardedFormAction<T extends z.ZodType>(
  options: { role: Role; schema: T; page: string },
  form: FormData,
  run: (input: z.output<T>, caller: Caller) => Promise<Result<{ secret?: string; notice?: FormNotice }>>,
): Promise<FormState> {
  return formAction(async () => {
    const caller = await requireAction(options.role);
    const input = parseForm(options.schema, form);
    if (!input.ok) return { error: input.message };
    const result = await run(input.data, caller);
    if (!result.ok) return { error: result.message };
    revalidatePath(options.page);
    return { error: null, ...(result.secret ? { secret: result.secret } : {}), ...(result.notice ? { notice: result.notice } : {}) };
  });
}
