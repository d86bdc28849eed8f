import { config } from '@/lib/config';

/**
 * The TCP peer of the request, written by the HTTP server hook (methods.ts) over whatever a client sent under
 * this name: App Router handlers never see the socket, and Next keeps a client's own X-Forwarded-For.
 */
export const PEER_ADDRESS_HEADER = 'x-loupe-peer-address';

/**
 * The address a sign-in came from, for per-address throttling. X-Forwarded-For is anyone's to write, so it is
 * believed only as far as TRUST_PROXY says: with N proxies in front, each appending the address it saw, the
 * client is the N-th entry from the right (entries further left are the client's own claims). With none, the
 * socket peer is the client.
 */
export function clientAddress(headers: Headers): string {
  const hops = config().trustedProxyHops;
  const forwarded = (headers.get('x-forwarded-for') ?? '').split(',').map((hop) => hop.trim()).filter(Boolean);
  const address = hops > 0 ? forwarded[Math.max(0, forwarded.length - hops)] : headers.get(PEER_ADDRESS_HEADER);
  return address ? address.slice(0, 100) : 'unknown';
}
