import { describe, expect, it } from 'vitest';
import { readApiAnswer } from './alt-api';
import { regenerateBlockedReason } from './regenerate-blocked';

describe('the alt panel reading API answers', () => {
  it('turns a 409 into a problem carrying the current alt text', async () => {
    const response = Response.json(
      { error: { code: 'version_conflict', message: 'This asset changed since you loaded it.', details: { version: 4, alt: { text: 'Now this', source: 'ai' } } } },
      { status: 409 },
    );
    expect(await readApiAnswer(response)).toEqual({
      ok: false,
      problem: { status: 409, code: 'version_conflict', message: 'This asset changed since you loaded it.', details: { version: 4, alt: { text: 'Now this', source: 'ai' } } },
    });
  });

  it('names the status when the body is not the error shape', async () => {
    expect(await readApiAnswer(new Response('Bad gateway', { status: 502 }))).toEqual({
      ok: false,
      problem: { status: 502, code: 'http_error', message: 'The server answered HTTP 502.', details: undefined },
    });
  });

  it('passes a successful body through', async () => {
    expect(await readApiAnswer(Response.json({ written: true }))).toEqual({ ok: true, value: { written: true } });
  });
});

describe('when Regenerate is offered', () => {
  it.each([
    [{ source: 'human' as const }, false, false, 'A person wrote this text; the model does not replace it.'],
    [{ source: 'ai' as const }, true, false, 'Decorative images need no description.'],
    [{ source: null }, false, true, 'No vision provider is configured.'],
    [{ source: 'ai' as const }, false, false, null],
  ])('%o decorative=%s providerMissing=%s', (alt, decorative, providerMissing, reason) => {
    expect(regenerateBlockedReason(alt, decorative, providerMissing)).toBe(reason);
  });
});
