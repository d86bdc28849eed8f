import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createApiToken, tokenInput } from '@/lib/auth';
import { withDatabase } from './with-database';

/**
 * npm run token:create -- --name NAME --role editor [--expires-days N]
 * Creates an API token as the operator (whoever can run this has the server's database) and prints it as the
 * last line, so CI and cron setups can capture it with `| tail -n 1`. Everything else goes to stderr.
 */

const USAGE = 'Usage: npm run token:create -- --name NAME --role viewer|editor|admin|owner [--expires-days N]';

async function main(): Promise<number> {
  let values: { name?: string; role?: string; 'expires-days'?: string };
  try {
    ({ values } = parseArgs({ options: { name: { type: 'string' }, role: { type: 'string' }, 'expires-days': { type: 'string' } }, strict: true }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  const input = tokenInput.safeParse({ name: values.name, role: values.role, expiresInDays: values['expires-days'] });
  if (!input.success) {
    console.error(`${z.prettifyError(input.error)}\n${USAGE}`);
    return 1;
  }

  return withDatabase(async (handle) => {
    const created = await createApiToken(handle.db, { role: 'owner', userId: null }, input.data);
    if (!created.ok) {
      console.error(created.message);
      return 1;
    }
    const { apiToken } = created;
    console.error(`Created ${apiToken.role} token "${apiToken.name}" (${apiToken.id}), ${apiToken.expiresAt ? `expires ${apiToken.expiresAt.toISOString()}` : 'no expiry'}.`);
    console.error('It is shown only now; Loupe keeps a hash. Send it as "Authorization: Bearer <token>".');
    console.log(created.token);
    return 0;
  });
}

process.exitCode = await main();
