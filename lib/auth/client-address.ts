/**
 * The address a sign-in came from, for per-address throttling. App Router handlers never see the socket, but
 * Next's server writes the socket peer into x-forwarded-for when the request has none; so the first hop of
 * x-forwarded-for is the peer on a direct connection, and the client behind a proxy that overwrites the header
 * (nginx: `proxy_set_header X-Forwarded-For $remote_addr`). Deploy behind such a proxy: without one a client can
 * name its own address and dodge the per-address limit (the per-account limit still holds).
 */
export function clientAddress(headers: Headers): string {
  const first = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return first ? first.slice(0, 100) : 'unknown';
}
