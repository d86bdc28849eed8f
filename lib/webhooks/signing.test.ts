import { describe, expect, it } from 'vitest';
import { verifyStandardWebhook } from '@/test/webhook-receiver';
import { retryAt, RETRY_DELAYS_SECONDS } from './deliver';
import { messageIdOf, newSigningSecret, signedHeaders } from './signing';

/** The test vector the Standard Webhooks reference libraries all reproduce. */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signing', () => {
  it('reproduces the reference test vector', () => {
    expect(signedHeaders(VECTOR.secret, VECTOR.id, VECTOR.body, new Date(VECTOR.timestamp * 1000))).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
  });

  it('the test receiver’s independent verifier accepts the vector, and refuses it out of tolerance or altered', async () => {
    const verify = (body: string, now: number, header = VECTOR.signature) => verifyStandardWebhook(VECTOR.secret, VECTOR.id, String(VECTOR.timestamp), body, header, now);
    expect(await verify(VECTOR.body, VECTOR.timestamp + 60)).toBe(true);
    expect(await verify(VECTOR.body, VECTOR.timestamp + 60, `v1,bm9wZQ== ${VECTOR.signature}`)).toBe(true);
    expect(await verify(VECTOR.body, VECTOR.timestamp + 3_600)).toBe(false);
    expect(await verify(`${VECTOR.body}\n`, VECTOR.timestamp)).toBe(false);
    expect(await verify(VECTOR.body, VECTOR.timestamp, 'v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')).toBe(false);
  });

  it('makes secrets of 32 random bytes, whsec_-prefixed, and ids without dots', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(secret);
    expect(messageIdOf('0b6c7a4e-2f57-4c1a-9a53-3f0c1d2e4b5a')).toBe('msg_0b6c7a4e2f574c1a9a533f0c1d2e4b5a');
  });
});

describe('retry schedule', () => {
  it('waits 5 s, 30 s, 2 min, 10 min, 1 h, 6 h (up to 10% later), then gives up', () => {
    const now = 1_000_000;
    RETRY_DELAYS_SECONDS.forEach((seconds, attempts) => {
      const wait = (retryAt(attempts, undefined, now)?.getTime() ?? 0) - now;
      expect(wait).toBeGreaterThanOrEqual(seconds * 1000);
      expect(wait).toBeLessThanOrEqual(seconds * 1100);
    });
    expect(retryAt(RETRY_DELAYS_SECONDS.length, undefined, now)).toBeNull();
  });

  it('honours a longer Retry-After, but never beyond the longest delay', () => {
    expect((retryAt(0, 120_000, 0)?.getTime() ?? 0)).toBe(120_000);
    expect((retryAt(0, 10 * 24 * 3_600_000, 0)?.getTime() ?? 0)).toBe(21_600_000);
  });
});
