import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { sendEmail } from '@/lib/mail';
import type { Actor } from './actor';
import { createInvite, invitePath, type PublicInvite } from './invites';
import type { Result } from './result';

/** What became of the invite email: the admin is told either way, and always gets the link. */
export type InviteEmail =
  | { status: 'sent'; message: string }
  | { status: 'failed'; message: string }
  /** SMTP_URL unset: the admin passes the link on. */
  | { status: 'not_configured'; message: null };

/**
 * Creates an invite and, when Loupe can send email (SMTP_URL), mails the link to the invitee. The invite is
 * made first and kept whatever the mail server says, so a failed email loses nothing: the answer carries the
 * link and says the email did not go.
 */
export async function inviteAndEmail(
  db: Db,
  actor: Actor,
  input: { email: string; role: PublicInvite['role']; expiresInDays: number },
  origin: string,
): Promise<Result<{ invite: PublicInvite; url: string; email: InviteEmail }>> {
  const created = await createInvite(db, actor, input);
  if (!created.ok) return created;
  const { invite } = created;
  const url = origin + invitePath(created.token);
  const sent = await sendEmail({ to: invite.email, ...(await inviteMessage(db, actor, invite, url)) });
  if (sent.ok) return { ok: true, invite, url, email: { status: 'sent', message: `Invite sent to ${invite.email}.` } };
  if (sent.kind === 'not_configured') return { ok: true, invite, url, email: { status: 'not_configured', message: null } };
  return {
    ok: true,
    invite,
    url,
    email: {
      status: 'failed',
      message: `The invite was created, but the email to ${invite.email} could not be sent (${sent.reason}). Copy the link and send it yourself.`,
    },
  };
}

async function inviteMessage(db: Db, actor: Actor, invite: PublicInvite, url: string): Promise<{ subject: string; text: string }> {
  const [inviter] = actor.userId ? await db.select({ name: users.name }).from(users).where(eq(users.id, actor.userId)) : [];
  const who = inviter ? `${inviter.name} has invited you` : 'You have been invited';
  const expires = `${invite.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return {
    subject: 'Your invitation to Loupe',
    text: [
      `${who} to Loupe, the team's photo library, as ${/^[aeiou]/.test(invite.role) ? 'an' : 'a'} ${invite.role}.`,
      '',
      `Choose your name and password here: ${url}`,
      '',
      `The link works once and expires on ${expires}. If you did not expect this email, ignore it.`,
      '',
    ].join('\n'),
  };
}
