import { ApiError } from '@/lib/errors';

/**
 * CSRF check shared by route handlers and server actions: the Origin header must name this host (the
 * x-forwarded-host a proxy or Next's own server sets, else Host). Browsers send Origin on every cross-site POST,
 * so a missing or foreign one is refused.
 */
export function assertSameOriginHeaders(headers: Headers): void {
  const origin = headers.get('origin');
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  if (!origin || !host) throw new ApiError('bad_origin', 'Cross-site request refused: the Origin header is missing.');
  const originHost = hostOf(origin);
  if (originHost === null) throw new ApiError('bad_origin', 'Cross-site request refused: the Origin header is not a URL.');
  if (originHost !== host) throw new ApiError('bad_origin', `Cross-site request refused: ${origin} is not this site.`);
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}
