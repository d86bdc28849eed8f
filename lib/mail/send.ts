import nodemailer from 'nodemailer';
import { config } from '@/lib/config';
import type { Result } from '@/lib/result';

/**
 * Email through the SMTP server in SMTP_URL (nodemailer). One message, one connection: Loupe sends a handful of
 * invites, not newsletters. An admin waits on the answer, so a dead server is given seconds, not nodemailer's
 * default minutes.
 */
const TIMEOUTS_MS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

export interface Email {
  to: string;
  subject: string;
  text: string;
}

export type MailProblem = { kind: 'not_configured' } | { kind: 'failed'; reason: string };

/** Sends one email; never throws: a refusal or an unreachable server comes back as the reason, in the server's words. */
export async function sendEmail(email: Email): Promise<Result<object, MailProblem>> {
  const mail = config().mail;
  if (!mail) return { ok: false, kind: 'not_configured' };
  const transport = nodemailer.createTransport({ url: mail.smtpUrl, ...TIMEOUTS_MS }, { from: mail.from });
  try {
    await transport.sendMail(email);
    return { ok: true };
  } catch (error) {
    // The server's own answer ("550 …", "connect ECONNREFUSED …") says what to fix; the password never shows.
    const reason = error instanceof Error ? error.message : String(error);
    const password = decodeURIComponent(new URL(mail.smtpUrl).password);
    return { ok: false, kind: 'failed', reason: password ? reason.replaceAll(password, '…') : reason };
  } finally {
    transport.close();
  }
}
