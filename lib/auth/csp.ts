import type { Config } from '@/lib/config';

/**
 * The Content-Security-Policy for pages. Scripts run only with this request's nonce (Next puts it on its own
 * scripts) or when loaded by such a script ('strict-dynamic'); no inline event handlers, no eval outside dev.
 * Styles allow 'unsafe-inline': React style attributes cannot carry a nonce, and CSS cannot run script.
 * Images, videos and uploads may go to the S3 endpoint, which is another origin.
 */
export function contentSecurityPolicy(options: { nonce: string; dev: boolean; https: boolean; storage: Config['storage'] }): string {
  const storage = storageOrigins(options.storage).join(' ');
  const directives = [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.dev ? ` 'unsafe-eval'` : ''}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' blob: data: ${storage}`.trim(),
    // Videos play straight from storage (their original, by signed URL).
    `media-src 'self' ${storage}`.trim(),
    `connect-src 'self' ${storage}`.trim(),
    `font-src 'self'`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
    // Only over HTTPS: on a plain-HTTP install it would send the page's own scripts to a port that is not there.
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

/** Where signed S3 URLs point: the configured endpoint (path and virtual-host style) or AWS's regional hosts. */
export function storageOrigins(storage: Config['storage']): string[] {
  if (storage.driver === 'local') return [];
  if (storage.endpoint) {
    const endpoint = new URL(storage.endpoint);
    return [endpoint.origin, `${endpoint.protocol}//${storage.bucket}.${endpoint.host}`];
  }
  return [`https://${storage.bucket}.s3.${storage.region}.amazonaws.com`, `https://s3.${storage.region}.amazonaws.com`];
}
