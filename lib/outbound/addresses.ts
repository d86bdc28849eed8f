import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Result } from '@/lib/result';

/**
 * Which addresses Loupe may call on someone else's say-so (a webhook URL an admin typed): public unicast only,
 * as ipaddr.js classifies them, so no private, loopback, link-local, shared (CGNAT), multicast or reserved
 * address is reachable, however it is written. IPv6 forms that carry an IPv4 address (IPv4-mapped,
 * IPv4-compatible, IPv4-translated, NAT64, 6to4, Teredo) are judged by the IPv4 address inside, because that is
 * where the packets end up: `http://[2002:7f00:1::]/` is 127.0.0.1 by another name.
 */

export type AddressVerdict = { allowed: true } | { allowed: false; why: string };

/** ipaddr.js's range names, in words for a message. */
const RANGE_WORDS: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a shared (carrier-grade NAT) address',
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  reserved: 'a reserved address',
};

const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

function ipv4(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * The IPv4 addresses an IPv6 address leads to: [] when it carries none, null when it carries one at a place
 * that cannot be known (a NAT64 local-use prefix may put it anywhere), which is refused.
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] | null {
  const parts = address.parts;
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return [ipv4(parts[6], parts[7])];
    case 'rfc6052':
      return address.match(NAT64_WELL_KNOWN) ? [ipv4(parts[6], parts[7])] : null;
    case '6to4':
      return [ipv4(parts[1], parts[2])];
    case 'teredo':
      // The Teredo server, and the client's address (stored inverted).
      return [ipv4(parts[2], parts[3]), ipv4(parts[6] ^ 0xffff, parts[7] ^ 0xffff)];
    case 'unicast':
      // IPv4-compatible (::a.b.c.d, deprecated): ipaddr.js calls it unicast, but it is an IPv4 address.
      return parts.slice(0, 6).every((part) => part === 0) ? [ipv4(parts[6], parts[7])] : [];
    default:
      return [];
  }
}

function rangeVerdict(address: ipaddr.IPv4 | ipaddr.IPv6): AddressVerdict {
  const range = address.range();
  return range === 'unicast' ? { allowed: true } : { allowed: false, why: RANGE_WORDS[range] ?? `a special-purpose address (${range})` };
}

/** Whether Loupe may connect to `address`, and if not, why (in words). */
export function judgeAddress(address: string): AddressVerdict {
  if (!ipaddr.isValid(address)) return { allowed: false, why: 'not an IP address' };
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return rangeVerdict(parsed);
  const inside = embeddedIPv4(parsed as ipaddr.IPv6);
  if (inside === null) return { allowed: false, why: 'an IPv6 translation address whose IPv4 address cannot be located' };
  if (inside.length === 0) return rangeVerdict(parsed);
  for (const embedded of inside) {
    const verdict = rangeVerdict(embedded);
    if (!verdict.allowed) return { allowed: false, why: `${embedded.toString()} inside, ${verdict.why}` };
  }
  return { allowed: true };
}

export type HostProblem = { code: 'private_address' | 'unresolvable'; message: string };

/** The URL's host when it is an address ("[::1]" → "::1"), which no DNS lookup will see. */
function literalAddress(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return ipaddr.isValid(host) ? host : null;
}

function refusal(host: string, address: string): string | null {
  const verdict = judgeAddress(address);
  return verdict.allowed ? null : `${host} leads to ${address}, ${verdict.why}`;
}

/**
 * Why a URL whose host is a literal address may not be called (null: allowed, or a name). A connection to a
 * literal address skips DNS and so the lookup below: check it with this first.
 */
export function literalRefusal(url: URL): string | null {
  const literal = literalAddress(url);
  return literal ? refusal(url.hostname, literal) : null;
}

/** Checks every address a URL's host stands for now: its literal address, or all the addresses its name resolves to. */
export async function checkHost(url: URL): Promise<Result<object, HostProblem>> {
  const literal = literalAddress(url);
  const addresses = literal ? [literal] : await resolveAll(url.hostname);
  if (!addresses) return { ok: false, code: 'unresolvable', message: `${url.hostname} could not be resolved: check the host name.` };
  const refused = addresses.map((address) => refusal(url.hostname, address)).find((why) => why !== null);
  return refused ? { ok: false, code: 'private_address', message: refused } : { ok: true };
}

async function resolveAll(hostname: string): Promise<string[] | null> {
  try {
    return (await dns.promises.lookup(hostname, { all: true })).map((entry) => entry.address);
  } catch {
    return null;
  }
}

/** A connection refused by the address check, told apart from network failures. */
export class RefusedAddressError extends Error {
  readonly code = 'LOUPE_REFUSED_ADDRESS';
}

/**
 * dns.lookup for a connection that must reach a public address: every address the name resolves to at connect
 * time is judged, and the connection uses exactly those, so a name re-pointed at 127.0.0.1 after it was checked
 * (DNS rebinding) is refused.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.map((entry) => refusal(hostname, entry.address)).find((why) => why !== null);
    if (refused) return callback(new RefusedAddressError(refused), '', 0);
    if (options.all) return (callback as unknown as (error: null, all: dns.LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};
