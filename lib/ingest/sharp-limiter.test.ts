import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { resetConfig } from '@/lib/config';
import { makeDerivatives } from './derivatives';
import { withPixelBudget } from './sharp-limiter';

/** A decode that runs until the test lets it finish, and says whether it has started. */
function heldDecode(pixels: number) {
  let finish = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const decode = { started: false, finish, done: withPixelBudget(pixels, async () => {
    decode.started = true;
    await finished;
  }) };
  return decode;
}

/** Lets every callback already due run, so whatever could start has started. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

afterEach(() => {
  delete process.env.SHARP_PIXELS_IN_FLIGHT;
  resetConfig();
});

describe('the pixel budget on decodes (SHARP_PIXELS_IN_FLIGHT, 150 MP by default)', () => {
  it('two 100 MP decodes run one after the other; a 24 MP one beside a 100 MP one runs at once', async () => {
    const first = heldDecode(100_000_000);
    const second = heldDecode(100_000_000);
    await settle();
    expect([first.started, second.started]).toEqual([true, false]);
    first.finish();
    await first.done;
    await settle();
    expect(second.started).toBe(true);
    const small = heldDecode(24_000_000);
    await settle();
    expect(small.started).toBe(true);
    second.finish();
    small.finish();
    await Promise.all([second.done, small.done]);
  });

  it('first come, first served: a small decode queued behind a waiting big one does not overtake it', async () => {
    const running = heldDecode(100_000_000);
    const big = heldDecode(100_000_000);
    const small = heldDecode(1_000_000);
    await settle();
    expect([running.started, big.started, small.started]).toEqual([true, false, false]);
    running.finish();
    await running.done;
    await settle();
    expect([big.started, small.started]).toEqual([true, true]);
    big.finish();
    small.finish();
    await Promise.all([big.done, small.done]);
  });

  it('a decode bigger than the whole budget still runs, alone', async () => {
    process.env.SHARP_PIXELS_IN_FLIGHT = '1000';
    resetConfig();
    const huge = heldDecode(5_000);
    const next = heldDecode(10);
    await settle();
    expect([huge.started, next.started]).toEqual([true, false]);
    huge.finish();
    await huge.done;
    await settle();
    expect(next.started).toBe(true);
    next.finish();
    await next.done;
  });

  it("derive's decode draws on the budget: with the budget taken, a photo waits until it is given back", async () => {
    process.env.SHARP_PIXELS_IN_FLIGHT = '1000000';
    resetConfig();
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#8a6' } }).png().toBuffer();
    const holder = heldDecode(1_000_000);
    let derived = false;
    const derive = makeDerivatives(photo, { maxInputPixels: 100_000_000 }).then((result) => {
      derived = true;
      return result;
    });
    // The header is read, then the photo's decode queues for the budget and cannot start while it is held.
    const waiting = () => (globalThis as unknown as { loupePixelBudget: { waiting: unknown[] } }).loupePixelBudget.waiting.length;
    await expect.poll(waiting).toBe(1);
    await settle();
    expect(derived).toBe(false);
    holder.finish();
    await holder.done;
    const result = await derive;
    expect(derived).toBe(true);
    expect(result).toMatchObject({ ok: true, outputs: { vision: { width: 800, height: 600 } } });
  });
});
