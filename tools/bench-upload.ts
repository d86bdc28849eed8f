import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { PUT as putFileRoute } from '@/app/api/files/[...key]/route';
import { POST as signPartsRoute } from '@/app/api/uploads/[id]/parts/route';
import { POST as createUploadRoute } from '@/app/api/uploads/route';
import { openPglite, useDbForTests } from '@/db/client';
import { migrate } from '@/db/migrate';
import { config } from '@/lib/config';
import { completeUpload } from '@/lib/ingest';
import { useStorageForTests, LocalStorage } from '@/lib/storage';
import { makeAccount } from '@/test/auth';

/**
 * npm run bench:upload: a 1 GB file uploaded in parts on local storage (Loupe's real routes: announce, sign
 * part URLs, PUT each part through the files route, four at a time; then completion, which joins the parts and
 * reads the whole file again for its SHA-256 and type) against a minimal baseline in the same run: one PUT of
 * the same file to a plain node http server that writes it to disk. Both over HTTP on 127.0.0.1, the bytes
 * streamed from the same file on disk. The file is generated here (a real JPEG's first bytes, so completion's
 * sniffing accepts it, then random bytes) and deleted afterwards.
 *
 * Loupe's routes are served by a plain node http server here rather than by Next (no build needed); completion
 * is called as the route calls it, minus the after() that starts processing in the background.
 */
const FILE_BYTES = 1024 * 1024 * 1024;
const PART_CONCURRENCY = 4;

async function makeFile(target: string): Promise<string> {
  const head = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#a0522d' } }).jpeg().toBuffer();
  const hash = createHash('sha256');
  async function* chunks() {
    hash.update(head);
    yield head;
    for (let written = head.length; written < FILE_BYTES; ) {
      const chunk = randomBytes(Math.min(16 * 1024 * 1024, FILE_BYTES - written));
      hash.update(chunk);
      written += chunk.length;
      yield chunk;
    }
  }
  await pipeline(Readable.from(chunks()), fs.createWriteStream(target));
  return hash.digest('hex');
}

/** Node's http.IncomingMessage as the web Request a route handler takes, and its Response back, streamed both ways. */
function serve(handler: (request: Request, url: URL) => Promise<Response>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (incoming, outgoing) => {
    const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host}`);
    const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
    const request = new Request(url, {
      method: incoming.method,
      headers: Object.entries(incoming.headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value] as [string, string]] : [])),
      body: hasBody ? (Readable.toWeb(incoming) as ReadableStream<Uint8Array>) : undefined,
      duplex: 'half',
    } as RequestInit);
    const response = await handler(request, url);
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

function putFileSlice(url: string, file: string, start: number, length: number, headers: Record<string, string>): Promise<Response> {
  const body = Readable.toWeb(fs.createReadStream(file, { start, end: start + length - 1 })) as ReadableStream<Uint8Array>;
  return fetch(url, { method: 'PUT', headers: { ...headers, 'content-length': String(length) }, body, duplex: 'half' } as RequestInit);
}

async function loupeRun(file: string, sha256: string, root: string): Promise<{ partsSeconds: number; completeSeconds: number; partSize: number; partCount: number }> {
  const handle = await openPglite();
  await migrate(handle);
  useDbForTests(handle);
  useStorageForTests(new LocalStorage(path.join(root, 'storage')));
  const editor = await makeAccount(handle.db, 'editor');
  const app = await serve((request, url) => {
    if (url.pathname.startsWith('/api/files/')) return putFileRoute(request, { params: Promise.resolve({ key: url.pathname.slice('/api/files/'.length).split('/') }) });
    const parts = url.pathname.match(/^\/api\/uploads\/([^/]+)\/parts$/);
    if (parts) return signPartsRoute(request, { params: Promise.resolve({ id: parts[1] }) });
    return createUploadRoute(request, { params: Promise.resolve({}) });
  });
  try {
    const auth = { authorization: `Bearer ${editor.token}`, 'content-type': 'application/json' };
    const started = performance.now();
    const created = await fetch(`${app.url}/api/uploads`, { method: 'POST', headers: auth, body: JSON.stringify({ filename: 'big.jpg', contentType: 'image/jpeg', size: FILE_BYTES }) });
    const { assetId, parts } = (await created.json()) as { assetId: string; parts: { partSize: number; partCount: number; url: string } };
    const numbers = Array.from({ length: parts.partCount }, (_, index) => index + 1);
    const urls = new Map<number, { url: string; headers: Record<string, string> }>();
    for (let first = 0; first < numbers.length; first += 100) {
      const signed = await fetch(parts.url, { method: 'POST', headers: auth, body: JSON.stringify({ partNumbers: numbers.slice(first, first + 100) }) });
      for (const part of ((await signed.json()) as { parts: { partNumber: number; url: string; headers: Record<string, string> }[] }).parts) urls.set(part.partNumber, part);
    }
    const limit = pLimit(PART_CONCURRENCY);
    await Promise.all(
      numbers.map((partNumber) =>
        limit(async () => {
          const start = (partNumber - 1) * parts.partSize;
          const target = urls.get(partNumber);
          if (!target) throw new Error(`no URL for part ${partNumber}`);
          const response = await putFileSlice(target.url, file, start, Math.min(parts.partSize, FILE_BYTES - start), target.headers);
          if (response.status !== 200) throw new Error(`part ${partNumber}: HTTP ${response.status} ${await response.text()}`);
        }),
      ),
    );
    const partsDone = performance.now();
    const completed = await completeUpload(handle.db, assetId, { callerUserId: editor.id, sha256 });
    if (completed.kind !== 'stored') throw new Error(`completion: ${JSON.stringify(completed)}`);
    return { partsSeconds: (partsDone - started) / 1000, completeSeconds: (performance.now() - partsDone) / 1000, partSize: parts.partSize, partCount: parts.partCount };
  } finally {
    await app.close();
    await handle.close();
  }
}

async function baselineRun(file: string, root: string): Promise<number> {
  const target = path.join(root, 'baseline.bin');
  const server = http.createServer((request, response) => {
    pipeline(request, fs.createWriteStream(target)).then(
      () => response.writeHead(200).end(),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const started = performance.now();
    const response = await putFileSlice(`http://127.0.0.1:${port}/upload`, file, 0, FILE_BYTES, { 'content-type': 'application/octet-stream' });
    if (response.status !== 200) throw new Error(`baseline PUT: HTTP ${response.status}`);
    return (performance.now() - started) / 1000;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

async function main(): Promise<void> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'loupe-bench-upload-'));
  try {
    const file = path.join(root, 'source.bin');
    console.log(`Generating a ${FILE_BYTES / 1024 / 1024} MiB file in ${root} …`);
    const sha256 = await makeFile(file);
    const megabytes = FILE_BYTES / 1_000_000;
    // Baseline first, so neither side gets a page cache the other did not (the source file is warm for both).
    const baselineSeconds = await baselineRun(file, root);
    await fsp.rm(path.join(root, 'baseline.bin'), { force: true });
    const loupe = await loupeRun(file, sha256, root);
    const totalSeconds = loupe.partsSeconds + loupe.completeSeconds;
    const rate = (seconds: number) => `${(megabytes / seconds).toFixed(0)} MB/s`;
    console.log(`\nUpload of ${megabytes.toFixed(0)} MB on local storage (${os.cpus().length} cores, part threshold ${config().upload.partThresholdBytes} bytes)`);
    console.log(`  baseline: one PUT to a plain node http server writing to disk   ${baselineSeconds.toFixed(2)} s   ${rate(baselineSeconds)}`);
    console.log(`  Loupe: ${loupe.partCount} parts of ${loupe.partSize / 1024 / 1024} MiB, ${PART_CONCURRENCY} at a time      ${loupe.partsSeconds.toFixed(2)} s   ${rate(loupe.partsSeconds)}`);
    console.log(`  Loupe: completion (join the parts, SHA-256 and sniff the whole file)  ${loupe.completeSeconds.toFixed(2)} s`);
    console.log(`  Loupe: parts + completion                                       ${totalSeconds.toFixed(2)} s   ${rate(totalSeconds)}`);
    console.log(`  ratio (Loupe parts / baseline throughput): ${(baselineSeconds / loupe.partsSeconds).toFixed(2)}`);
    console.log(`  ratio (Loupe parts + completion / baseline throughput): ${(baselineSeconds / totalSeconds).toFixed(2)}`);
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
}

await main();
