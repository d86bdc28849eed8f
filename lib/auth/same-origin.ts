import { ApiError } from '@/lib/errors';

/**
 * CSRF check shared by route handlers and server actions: the Origin header must be this site's full origin,
 * scheme included (an http:// page must not post to the https:// site). The site's origin is the scheme and host
 * a proxy or Next's own server sets (x-forwarded-proto, x-forwarded-host), else http and Host. Browsers send
 * Origin on every cross-site POST, so a missing or foreign one is refused.
 */
export function assertSameOriginHeaders(headers: Headers): void {
  const origin = headers.get('origin');
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  if (!origin || !host) throw new ApiError('bad_origin', 'Cross-site request refused: the Origin header is missing.');
  const claimed = originOf(origin);
  if (claimed === null) throw new ApiError('bad_origin', 'Cross-site request refused: the Origin header is not a URL.');
  const scheme = headers.get('x-forwarded-proto')?.split(',')[0].trim() || 'http';
  if (claimed !== originOf(`${scheme}://${host}`)) throw new ApiError('bad_origin', `Cross-site request refused: ${origin} is not this site.`);
}

function originOf(url: string): string | null {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}
