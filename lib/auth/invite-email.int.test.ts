import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as listInvites, POST as createInvite } from '@/app/api/invites/route';
import { ConfigError, parseConfig, resetConfig } from '@/lib/config';
import { call, makeAccount, TEST_ORIGIN, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { startSmtpReceiver, type SmtpReceiver } from '@/test/smtp-receiver';
import { acceptInvite } from './invites';

/** Invites by email: with SMTP_URL set the link goes to the invitee through a real SMTP server; without it, to the admin only. */
describe('invite emails', () => {
  const database = useTestDatabase();
  const FROM = 'Loupe <loupe@shop.example>';
  let smtp: SmtpReceiver;
  let admin: TestAccount;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    admin = await makeAccount(database().db, 'admin');
  });
  afterAll(() => smtp.close());
  afterEach(() => {
    smtp.received.length = 0;
    smtp.refuseRecipients = null;
    vi.unstubAllEnvs();
    resetConfig();
  });

  function useSmtp(url: string | undefined) {
    vi.stubEnv('SMTP_URL', url ?? '');
    vi.stubEnv('SMTP_FROM', url ? FROM : '');
    resetConfig();
  }

  async function invite(email: string) {
    const response = await call(createInvite, { method: 'POST', cookie: admin.cookie, body: { email, role: 'editor' } });
    expect(response.status).toBe(201);
    return response.json() as Promise<{ invite: { id: string }; url: string; email: { status: string; message: string | null } }>;
  }

  async function pendingIds(): Promise<string[]> {
    const { invites } = await (await call(listInvites, { cookie: admin.cookie })).json();
    return invites.map((pending: { id: string }) => pending.id);
  }

  it('emails the invite link to the invitee, from SMTP_FROM, and tells the admin "Invite sent to …"', async () => {
    useSmtp(smtp.url);
    const answer = await invite('Rita.Reader@Example.com');
    expect(answer.email).toEqual({ status: 'sent', message: 'Invite sent to rita.reader@example.com.' });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.envelopeTo).toEqual(['rita.reader@example.com']);
    expect(mail.to).toBe('rita.reader@example.com');
    expect(mail.from).toBe('"Loupe" <loupe@shop.example>');
    expect(mail.subject).toBe('Your invitation to Loupe');
    expect(mail.text).toContain(`Test admin has invited you to Loupe, the team's photo library, as an editor.`);
    expect(mail.text).toContain(`Choose your name and password here: ${answer.url}`);
    // The emailed link is the invite itself.
    const token = mail.text.match(new RegExp(`${TEST_ORIGIN}/invite/([A-Za-z0-9_-]{43})`))?.[1];
    expect(token).toBeDefined();
    expect((await acceptInvite(database().db, { token: token ?? '', name: 'Rita Reader', password: 'violet anchor drifts slowly' })).ok).toBe(true);
  });

  it('keeps the invite when the mail server refuses the recipient: the admin gets the link and the server’s reason', async () => {
    useSmtp(smtp.url);
    smtp.refuseRecipients = 'No such mailbox here';
    const answer = await invite('nobody@example.com');
    expect(answer.email.status).toBe('failed');
    expect(answer.email.message).toMatch(/^The invite was created, but the email to nobody@example\.com could not be sent \(.*550 No such mailbox here.*\)\. Copy the link and send it yourself\.$/);
    expect(answer.email.message).not.toContain(smtp.password);
    expect(answer.url).toMatch(new RegExp(`^${TEST_ORIGIN}/invite/`));
    expect(await pendingIds()).toContain(answer.invite.id);
    expect(smtp.received).toEqual([]);
  });

  it('keeps the invite when the mail server cannot be reached', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    useSmtp(`smtp://loupe:secret-password@127.0.0.1:${closedPort}`);
    const answer = await invite('later@example.com');
    expect(answer.email.status).toBe('failed');
    expect(answer.email.message).toMatch(/could not be sent \(.*ECONNREFUSED.*\)\. Copy the link and send it yourself\.$/);
    expect(answer.email.message).not.toContain('secret-password');
    expect(await pendingIds()).toContain(answer.invite.id);
  });

  it('sends nothing without SMTP_URL: the link is for the admin to pass on', async () => {
    useSmtp(undefined);
    const answer = await invite('quiet@example.com');
    expect(answer.email).toEqual({ status: 'not_configured', message: null });
    expect(answer.url).toMatch(new RegExp(`^${TEST_ORIGIN}/invite/`));
    expect(smtp.received).toEqual([]);
  });

  it('refuses SMTP_URL without SMTP_FROM, and a URL that is not SMTP, at start', () => {
    expect(() => parseConfig({ SMTP_URL: smtp.url })).toThrow(ConfigError);
    expect(() => parseConfig({ SMTP_URL: smtp.url })).toThrow(/SMTP_FROM: SMTP_URL needs SMTP_FROM/);
    expect(() => parseConfig({ SMTP_URL: 'https://mail.example.com', SMTP_FROM: FROM })).toThrow(/SMTP_URL: SMTP_URL must be smtp:\/\//);
    expect(parseConfig({ SMTP_URL: smtp.url, SMTP_FROM: FROM }).mail).toEqual({ smtpUrl: smtp.url, from: FROM });
  });
});
