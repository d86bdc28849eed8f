import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/errors';
import { assertSameOriginHeaders } from './same-origin';

function refusal(headers: Record<string, string>): string | null {
  try {
    assertSameOriginHeaders(new Headers(headers));
    return null;
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
}

/** The check behind route() writes and every server action (requireAction, and the public forms' actions). */
describe('same-origin check', () => {
  it('accepts the page’s own origin, also behind a proxy that sets x-forwarded-host', () => {
    expect(refusal({ origin: 'http://loupe.test', host: 'loupe.test' })).toBeNull();
    expect(
      refusal({ origin: 'https://dam.example.com', host: '127.0.0.1:3000', 'x-forwarded-host': 'dam.example.com', 'x-forwarded-proto': 'https' }),
    ).toBeNull();
    expect(refusal({ origin: 'https://dam.example.com:8443', host: 'dam.example.com:8443', 'x-forwarded-proto': 'https' })).toBeNull();
  });

  it.each([
    ['a foreign origin', { origin: 'http://evil.example', host: 'loupe.test' }],
    ['a look-alike subdomain', { origin: 'http://loupe.test.evil.example', host: 'loupe.test' }],
    ['another port on the same host', { origin: 'http://loupe.test:8080', host: 'loupe.test' }],
    ['the same host over http when the site is https', { origin: 'http://dam.example.com', host: 'dam.example.com', 'x-forwarded-proto': 'https' }],
    ['the same host over https when the site is http', { origin: 'https://loupe.test', host: 'loupe.test' }],
    ['another scheme with the same host and port', { origin: 'ftp://loupe.test:80', host: 'loupe.test:80' }],
    ['an opaque origin (sandboxed frame, file:)', { origin: 'null', host: 'loupe.test' }],
    ['no Origin header', { host: 'loupe.test' }],
    ['no host at all', { origin: 'http://loupe.test' }],
  ])('refuses %s with bad_origin', (_case, headers) => {
    expect(refusal(headers)).toBe('bad_origin');
  });
});
