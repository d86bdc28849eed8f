import { z } from 'zod';
import { integerFromString, text } from '@/lib/text-input';
import { ROLES } from '@/db/schema';
import { passwordWeakness } from './password-strength';

/** Input shapes shared by the JSON API and the forms (server actions), so both refuse the same things. */

export const emailSchema = text().trim().toLowerCase().max(254).pipe(z.email('Enter a valid email address.'));
/** Control characters (NUL above all, which PostgreSQL cannot store) have no place in a display name. */
const printable = (text: string) => !/[\u0000-\u001f\u007f]/.test(text);

export const nameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a name.')
  .max(100, 'Use at most 100 characters for the name.')
  .refine(printable, 'Remove control characters from the name.');
export const passwordSchema = text()
  .min(12, 'Use a password of at least 12 characters.')
  // scrypt's cost does not depend on length, but megabyte passwords are not passwords.
  .max(1024, 'Use a password of at most 1024 characters.');
export const roleSchema = z.enum(ROLES);

/**
 * A new password must also be hard to guess (common passwords, words, the person's own name or email). Setup
 * checks it here, where the email is typed; accepting an invite checks it in acceptInvite, which knows the
 * invite's email.
 */
function strongPassword(fields: { password: string; name: string; email: string }, ctx: z.RefinementCtx): void {
  const weakness = passwordWeakness(fields.password, fields);
  if (weakness) ctx.addIssue({ code: 'custom', path: ['password'], message: weakness });
}

export const setupInput = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema }).superRefine(strongPassword);
export const signInInput = z.object({ email: emailSchema, password: text().min(1, 'Enter your password.').max(1024) });
export const acceptInviteInput = z.object({ token: text().min(1).max(200), name: nameSchema, password: passwordSchema });
export const inviteInput = z.object({ email: emailSchema, role: roleSchema, expiresInDays: integerFromString(1, 90).default(7) });
export const tokenInput = z.object({
  name: text().trim().min(1, 'Name the token after what uses it.').max(100).refine(printable, 'Remove control characters from the name.'),
  role: roleSchema,
  expiresInDays: integerFromString(1, 3650).optional(),
});
export const userUpdateInput = z
  .object({ role: roleSchema.optional(), active: z.boolean().optional() })
  .refine((v) => v.role !== undefined || v.active !== undefined, 'Send a role, active, or both.');
export const idParams = z.object({ id: z.uuid('Not an id.') });

/** The first problem in a zod error, as one sentence for a form's alert. */
export function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'Check the form and try again.';
}
