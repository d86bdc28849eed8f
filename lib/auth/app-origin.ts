import { config } from '@/lib/config';

/** The origin links are built on (invite URLs): APP_URL when set, otherwise the origin the request came to. */
export function appOrigin(requestUrl: string): string {
  const configured = config().appUrl;
  return new URL(configured ?? requestUrl).origin;
}

/** The same, for server actions, which see headers rather than a URL (Next's server sets the forwarded ones). */
export function appOriginFromHeaders(headers: Headers): string {
  const proto = headers.get('x-forwarded-proto')?.split(',')[0].trim() ?? 'http';
  const host = headers.get('x-forwarded-host') ?? headers.get('host') ?? 'localhost';
  return appOrigin(`${proto}://${host}`);
}
