import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server for the tests (smtp-server, on 127.0.0.1 and a free port): it checks the login, records
 * every message as delivered (envelope and parsed content), and can be told to refuse recipients the way a
 * mail server does.
 */

export interface ReceivedEmail {
  /** RCPT TO: who the server was asked to deliver to. */
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface SmtpReceiver {
  /** smtp://user:password@127.0.0.1:port, for SMTP_URL. */
  url: string;
  password: string;
  received: ReceivedEmail[];
  /** While set, every recipient is refused with this 5xx reply. */
  refuseRecipients: string | null;
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const user = 'loupe';
  const password = `pw-${crypto.randomUUID()}`;
  const receiver: Omit<SmtpReceiver, 'url' | 'close'> = { password, received: [], refuseRecipients: null };
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to trust, and a login still required.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (receiver.refuseRecipients) return callback(Object.assign(new Error(receiver.refuseRecipients), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          receiver.received.push({
            envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            from: parsed.from?.text ?? '',
            to: [parsed.to ?? []].flat().map((to) => to.text).join(', '),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `smtp://${user}:${password}@127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
