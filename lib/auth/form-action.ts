import type { z } from 'zod';
import { ApiError } from '@/lib/errors';
import type { FormState } from './form-state';
import type { Result } from './result';
import { firstIssue } from './schemas';

/** Parses a form with the API's schema; an empty field counts as absent (so optional fields and defaults work). */
export function parseForm<T extends z.ZodType>(schema: T, form: FormData): Result<{ data: z.output<T> }> {
  const parsed = schema.safeParse(Object.fromEntries([...form].filter(([, value]) => value !== '')));
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, code: 'validation_failed', message: firstIssue(parsed.error) };
}

/**
 * Runs an action's body, answering the guard's refusals (bad origin, session ended, wrong role) as form errors.
 * Redirects (after sign-in) are thrown by Next and pass through untouched.
 */
export async function formAction(body: () => Promise<FormState>): Promise<FormState> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ApiError) return { error: error.message };
    throw error;
  }
}
