import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTooLargeError, Pacer, remoteWaitMs, request, requestStream, type Clock } from './index';

/** The outbound client against real HTTP servers on 127.0.0.1 that answer as badly as a stranger might. */

const servers: http.Server[] = [];

async function serve(handler: http.RequestListener): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((request, response) => {
    hits += 1;
    handler(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const options = { timeoutMs: 5000, allowPrivate: true, maxBytes: 1024 };

/** Streams `total` bytes in 1 KB chunks without a Content-Length (chunked), as fast as the client reads. */
function chunked(total: number): http.RequestListener {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'image/jpeg' });
    let sent = 0;
    const pump = () => {
      while (sent < total && !response.destroyed) {
        sent += 1024;
        if (!response.write(Buffer.alloc(1024, 1))) return void response.once('drain', pump);
      }
      response.end();
    };
    pump();
  };
}

describe('outbound client', () => {
  it('answers a redirect as it is and never follows it', async () => {
    const target = await serve((_request, response) => response.end('private things'));
    const redirecting = await serve((_request, response) => {
      response.writeHead(302, { location: `${target.url}/admin` });
      response.end();
    });
    const answer = await request({ method: 'GET', url: redirecting.url }, options);
    expect(answer).toMatchObject({ ok: true, status: 302, location: `${target.url}/admin` });
    expect(target.hits()).toBe(0);
  });

  it('cuts off a server that does not answer in time', async () => {
    const silent = await serve(() => undefined);
    const answer = await request({ method: 'GET', url: silent.url }, { ...options, timeoutMs: 200 });
    expect(answer).toMatchObject({ ok: false, code: 'timeout', message: expect.stringContaining('did not answer within 0.2 s') });
  });

  it('reads at most maxBytes of a body, and says it was cut', async () => {
    const huge = await serve(chunked(1024 * 1024));
    const answer = await request({ method: 'GET', url: huge.url }, options);
    expect(answer.ok && answer.body.length).toBe(1024);
    expect(answer.ok && answer.cut).toBe('max_bytes');
    const small = await serve((_request, response) => response.end('{"fine":true}'));
    expect(await request({ method: 'GET', url: small.url }, options)).toMatchObject({ ok: true, status: 200, cut: null });
  });

  it('streams a body and errors the moment it passes maxBytes', async () => {
    const huge = await serve(chunked(64 * 1024));
    const answer = await requestStream({ method: 'GET', url: huge.url }, { ...options, maxBytes: 10_000 });
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    await expect(buffer(answer.body)).rejects.toBeInstanceOf(BodyTooLargeError);
    const fits = await requestStream({ method: 'GET', url: huge.url }, { ...options, maxBytes: 64 * 1024 });
    expect(fits.ok && (await buffer(fits.body)).length).toBe(64 * 1024);
  });

  it('refuses a download whose Content-Length is over maxBytes before reading it', async () => {
    const declared = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': '2000000' });
      response.write(Buffer.alloc(1024));
    });
    expect(await requestStream({ method: 'GET', url: declared.url }, options)).toMatchObject({ ok: false, code: 'too_large' });
  });

  it('refuses a private address unless allowed, literal or by name', async () => {
    const local = await serve((_request, response) => response.end('ok'));
    expect(await request({ method: 'GET', url: local.url }, { ...options, allowPrivate: false })).toMatchObject({ ok: false, code: 'private_address' });
    const byName = local.url.replace('127.0.0.1', 'localhost');
    expect(await request({ method: 'GET', url: byName }, { ...options, allowPrivate: false })).toMatchObject({ ok: false, code: 'private_address' });
    expect(local.hits()).toBe(0);
  });

  it('reads Retry-After as seconds or an HTTP date', async () => {
    const limited = await serve((_request, response) => {
      response.writeHead(429, { 'retry-after': '7' });
      response.end();
    });
    expect(await request({ method: 'GET', url: limited.url }, options)).toMatchObject({ ok: true, status: 429, retryAfterMs: 7000 });
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(remoteWaitMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30_000);
    expect(remoteWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 12) }, now)).toBe(12_000);
    expect(remoteWaitMs({ 'ratelimit-remaining': '0', 'ratelimit-reset': '5' }, now)).toBe(5000);
    expect(remoteWaitMs({ 'ratelimit-remaining': '3', 'ratelimit-reset': '5' }, now)).toBeNull();
    expect(remoteWaitMs({ 'retry-after': '99999999' }, now)).toBe(15 * 60 * 1000);
  });
});

/** A clock the test moves: sleepers wake when it passes their time. */
class TestClock implements Clock {
  time = 0;
  private sleepers: { at: number; wake: () => void }[] = [];
  now() {
    return this.time;
  }
  sleep(ms: number) {
    return new Promise<void>((resolve) => this.sleepers.push({ at: this.time + ms, wake: resolve }));
  }
  async advance(ms: number) {
    this.time += ms;
    const due = this.sleepers.filter((sleeper) => sleeper.at <= this.time);
    this.sleepers = this.sleepers.filter((sleeper) => sleeper.at > this.time);
    for (const sleeper of due) sleeper.wake();
    await settle();
  }
}

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('pacer', () => {
  const limits = { concurrency: 2, requestsPerSecond: 4 };

  it('holds every call to a remote until the time its Retry-After named', async () => {
    const clock = new TestClock();
    const pacer = new Pacer(clock);
    (await pacer.acquire('shop', limits))();
    expect(pacer.observe('shop', { 'retry-after': '30' })).toBe(30_000);
    let started = false;
    const next = pacer.acquire('shop', limits).then((release) => {
      started = true;
      release();
    });
    await clock.advance(29_000);
    expect(started).toBe(false);
    await clock.advance(1000);
    await next;
    expect(started).toBe(true);
    expect(pacer.stats('shop')).toEqual({ calls: 2, waitedMs: 30_000 });
    // Another remote is not held back.
    await pacer.acquire('other shop', limits);
  });

  it('spaces call starts by 1/requestsPerSecond', async () => {
    const clock = new TestClock();
    const pacer = new Pacer(clock);
    const startedAt: number[] = [];
    const calls = [0, 1, 2].map(() => pacer.acquire('shop', { concurrency: 10, requestsPerSecond: 4 }).then((release) => (startedAt.push(clock.now()), release())));
    await settle();
    for (let step = 0; step < 10; step++) await clock.advance(50);
    await Promise.all(calls);
    expect(startedAt).toEqual([0, 250, 500]);
  });

  it('runs at most `concurrency` calls at once', async () => {
    const clock = new TestClock();
    const pacer = new Pacer(clock);
    const fast = { concurrency: 2, requestsPerSecond: 1000 };
    const first = await pacer.acquire('shop', fast);
    await clock.advance(1);
    await pacer.acquire('shop', fast);
    await clock.advance(1);
    let third = false;
    const waiting = pacer.acquire('shop', fast).then(() => (third = true));
    await clock.advance(10);
    expect(third).toBe(false);
    first();
    await clock.advance(10);
    await waiting;
    expect(third).toBe(true);
  });
});
