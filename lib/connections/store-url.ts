import { checkHost } from '@/lib/outbound';
import type { Result } from '@/lib/result';

export type StoreUrlProblem = { code: 'invalid_url' | 'private_address' | 'unresolvable_host'; message: string };

/**
 * Whether an admin may connect a store at this address: http(s) only, no credentials in it, and (unless
 * CONNECTIONS_ALLOW_PRIVATE) only public unicast addresses as lib/outbound judges them, the webhooks' rule, since
 * anything else would let an admin probe the network Loupe runs in. Normalised: no query, fragment or trailing slash.
 */
export async function checkStoreUrl(raw: string, allowPrivate: boolean): Promise<Result<{ url: string }, StoreUrlProblem>> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: 'invalid_url', message: 'That is not a URL: enter the store’s full address, such as https://shop.example.com.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, code: 'invalid_url', message: `Stores are reached over http or https only, not ${url.protocol.replace(/:$/, '')}.` };
  if (url.username || url.password) return { ok: false, code: 'invalid_url', message: 'Remove the user name and password from the URL: enter them in their own fields.' };
  url.hash = '';
  url.search = '';
  const normalised = url.toString().replace(/\/+$/, '');
  if (allowPrivate) return { ok: true, url: normalised };
  const host = await checkHost(url);
  if (!host.ok) {
    return host.code === 'private_address'
      ? { ok: false, code: 'private_address', message: `${host.message}: Loupe connects to stores on public addresses only. Use the store’s public address (or set CONNECTIONS_ALLOW_PRIVATE=true).` }
      : { ok: false, code: 'unresolvable_host', message: host.message };
  }
  return { ok: true, url: normalised };
}
