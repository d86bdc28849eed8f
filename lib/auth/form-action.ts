import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import type { z } from 'zod';
import { ApiError } from '@/lib/errors';
import { setSessionCookie } from './action-session';
import type { Caller } from './caller';
import { formFields, refillValues, type FormFields } from './form-fields';
import type { FormNotice, FormState } from './form-state';
import { assertActionOrigin, requireAction } from './guard';
import type { Result } from './result';
import type { Role } from './roles';
import { firstIssue } from './schemas';
import type { NewSession } from './sessions';

/** The server-action side of every form: the API's schemas and library calls, answered as form state. */

/** Parses a form's fields (or what a form made of them: numbers, lists) with the API's schema. */
export function parseForm<T extends z.ZodType>(schema: T, fields: FormFields | Record<string, unknown>): Result<{ data: z.output<T> }> {
  const parsed = schema.safeParse(fields);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, code: 'validation_failed', message: firstIssue(parsed.error) };
}

/**
 * Runs an action's body on the form's own fields (formFields: never React's `$ACTION_*` fields). A refusal, the
 * guard's (bad origin, session ended, wrong role) or the body's, comes back with what was submitted, so the
 * form shows it again.
 */
async function formAction<S extends FormState>(form: FormData, body: (fields: FormFields) => Promise<S>): Promise<S | FormState> {
  const fields = formFields(form);
  let state: S | FormState;
  try {
    state = await body(fields);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    state = { error: error.message };
  }
  return state.error === null ? state : { ...state, values: refillValues(fields) };
}

/** A form on a guarded page whose answer is its own (the backfill's dry run): requireAction(role), then the body. */
export async function guardedForm<S extends FormState>(role: Role, form: FormData, body: (fields: FormFields, caller: Caller) => Promise<S>): Promise<S | FormState> {
  return formAction(form, async (fields) => body(fields, await requireAction(role)));
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
  const outcome = await formAction(form, async (fields) => {
    await assertActionOrigin();
    const input = parseForm(schema, fields);
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
  return guardedForm(options.role, form, async (fields, caller): Promise<FormState> => {
    const input = parseForm(options.schema, fields);
    if (!input.ok) return { error: input.message };
    const result = await run(input.data, caller);
    if (!result.ok) return { error: result.message };
    revalidatePath(options.page);
    return { error: null, ...(result.secret ? { secret: result.secret } : {}), ...(result.notice ? { notice: result.notice } : {}) };
  });
}
