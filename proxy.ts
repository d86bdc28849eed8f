import { randomBytes } from 'node:crypto';
import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy } from '@/lib/auth/csp';
import { isSecureRequest } from '@/lib/auth/secure-request';
import { config as loupeConfig } from '@/lib/config';

/**
 * The request gate for pages: a fresh CSP nonce per request. Next reads the nonce from the request's CSP header
 * and puts it on its scripts; the browser gets the same policy. Access checks are not here but in every page
 * (requirePage) and route (route()), where they cannot be skipped by a matcher that misses a path.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = randomBytes(16).toString('base64');
  const settings = loupeConfig();
  const policy = contentSecurityPolicy({
    nonce,
    dev: settings.env === 'development',
    https: isSecureRequest(request.headers, request.url),
    storage: settings.storage,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: API responses are JSON or files (with their own headers in next.config.ts); static assets need none.
      source: '/((?!api/|_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
