import { Worker } from 'node:worker_threads';
import { config } from '@/lib/config';

/**
 * Decoders for the images prebuilt sharp cannot read: HEVC-coded HEIC/HEIF (libheif compiled to WebAssembly),
 * BMP (bmp-ts, pure JS) and 8-bit CIELab TIFF (utif2, converted to sRGB here). They are CPU-bound JavaScript, so
 * they run in worker threads and the server's event loop never blocks on them. Each checks the pixel count from
 * the header before it allocates or decodes anything. The result is raw 8-bit pixels that go into sharp's
 * one-decode derivative path like any other image.
 */
export type JsDecodedFormat = 'heic' | 'bmp' | 'lab-tiff';

export type JsDecodeResult =
  | { ok: true; width: number; height: number; channels: 3 | 4; data: Buffer }
  | { ok: false; code: 'too_many_pixels' | 'corrupt_image'; message: string; width?: number; height?: number };

/**
 * The worker's source, self-contained and requiring only packages from node_modules: a worker file of our own
 * would be moved and renamed by Next's bundler, while this runs the same under `next start`, vitest and tsx.
 */
const WORKER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
let libheif = null;

function corrupt(message) { return { ok: false, code: 'corrupt_image', message }; }
function tooBig(width, height) { return { ok: false, code: 'too_many_pixels', message: '', width, height }; }

async function decodeHeic(buffer, maxPixels) {
  libheif = libheif || require('libheif-js/wasm-bundle');
  await libheif.ready;
  const decoder = new libheif.HeifDecoder();
  const images = decoder.decode(buffer);
  try {
    if (!images.length) return corrupt('no image found in the HEIF container: the file is truncated or damaged');
    const primary = images[0];
    const width = primary.get_width();
    const height = primary.get_height();
    if (width * height > maxPixels) return tooBig(width, height);
    // display() applies the container's rotation and mirroring (irot/imir), so pixels come out upright.
    const shown = await new Promise((resolve) => primary.display({ data: new Uint8ClampedArray(width * height * 4), width, height }, resolve));
    if (!shown) return corrupt('the HEVC image data could not be decoded: the file is truncated or damaged');
    return { ok: true, width, height, channels: 4, data: Buffer.from(shown.data.buffer, shown.data.byteOffset, shown.data.byteLength) };
  } finally {
    for (const image of images) image.free();
    decoder.decoder.delete();
  }
}

function decodeBmp(buffer) {
  const decoded = require('bmp-ts').decode(buffer, { toRGBA: true });
  const { width, height, data } = decoded;
  const pixels = width * height;
  // Only 32-bit BMPs carry alpha, and many of those leave it all zero: those are opaque.
  let alpha = decoded.bitPP === 32;
  if (alpha) {
    alpha = false;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) { alpha = true; break; }
  }
  if (alpha) return { ok: true, width, height, channels: 4, data };
  const rgb = Buffer.allocUnsafe(pixels * 3);
  for (let p = 0; p < pixels; p++) { rgb[p * 3] = data[p * 4]; rgb[p * 3 + 1] = data[p * 4 + 1]; rgb[p * 3 + 2] = data[p * 4 + 2]; }
  return { ok: true, width, height, channels: 3, data: rgb };
}

function srgbByte(linear) {
  const v = linear <= 0.0031308 ? 12.92 * linear : 1.055 * Math.pow(linear, 1 / 2.4) - 0.055;
  return v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
}

/** 8-bit CIELab (L scaled 0..255, a and b signed) with the TIFF default D65 white, to sRGB. */
function decodeLabTiff(buffer, maxPixels) {
  const UTIF = require('utif2');
  const ifd = UTIF.decode(buffer)[0];
  if (!ifd) return corrupt('the TIFF has no image directory');
  const width = ifd.t256 && ifd.t256[0];
  const height = ifd.t257 && ifd.t257[0];
  if (!width || !height) return corrupt('the TIFF header has no image size');
  if (width * height > maxPixels) return tooBig(width, height);
  const samples = (ifd.t277 && ifd.t277[0]) || 1;
  if (samples < 3 || (ifd.t258 && ifd.t258[0] !== 8)) return { ok: false, code: 'unsupported', message: '' };
  const offsets = ifd.t273 || [];
  const counts = ifd.t279 || [];
  for (let i = 0; i < offsets.length; i++) if (offsets[i] + (counts[i] || 0) > buffer.length) return corrupt('the TIFF image data is truncated');
  UTIF.decodeImage(buffer, ifd);
  const lab = ifd.data;
  const pixels = width * height;
  if (!lab || lab.length < pixels * samples) return corrupt('the TIFF image data is truncated');
  const rgb = Buffer.allocUnsafe(pixels * 3);
  const f = (t) => (t > 6 / 29 ? t * t * t : 3 * (6 / 29) * (6 / 29) * (t - 4 / 29));
  for (let p = 0; p < pixels; p++) {
    const L = (lab[p * samples] * 100) / 255;
    const a = (lab[p * samples + 1] << 24) >> 24;
    const b = (lab[p * samples + 2] << 24) >> 24;
    const fy = (L + 16) / 116;
    const x = 0.95047 * f(fy + a / 500);
    const y = f(fy);
    const z = 1.08883 * f(fy - b / 200);
    rgb[p * 3] = srgbByte(3.2404542 * x - 1.5371385 * y - 0.4985314 * z);
    rgb[p * 3 + 1] = srgbByte(-0.969266 * x + 1.8760108 * y + 0.041556 * z);
    rgb[p * 3 + 2] = srgbByte(0.0556434 * x - 0.2040259 * y + 1.0572252 * z);
  }
  return { ok: true, width, height, channels: 3, data: rgb };
}

parentPort.on('message', async ({ format, input, maxPixels }) => {
  let result;
  try {
    // A path is read here, off the main thread; the caller has checked the header and the file's size first.
    const buffer = typeof input === 'string' ? fs.readFileSync(input) : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    result = format === 'heic' ? await decodeHeic(buffer, maxPixels) : format === 'bmp' ? decodeBmp(buffer) : decodeLabTiff(buffer, maxPixels);
  } catch (error) {
    result = corrupt(String((error && error.message) || error).split('\n')[0]);
  }
  parentPort.postMessage(result, result.ok ? [result.data.buffer] : []);
});
`;

type WorkerAnswer = JsDecodeResult | { ok: false; code: 'unsupported'; message: string };

/** Workers are kept warm (libheif's WebAssembly compiles once) but one that decoded a large image is retired, so its grown heap goes with it. */
const RETIRE_AFTER_PIXELS = 16_000_000;

interface Idle {
  worker: Worker;
}
const globalForDecoders = globalThis as unknown as { loupeJsDecoders?: Idle[] };

function takeWorker(): Worker {
  globalForDecoders.loupeJsDecoders ??= [];
  const idle = globalForDecoders.loupeJsDecoders.pop();
  if (idle) return idle.worker;
  // stdout/stderr are captured: libheif prints its own diagnostics, which are not ours to log.
  const worker = new Worker(WORKER_SOURCE, { eval: true, stdout: true, stderr: true });
  worker.stdout.resume();
  worker.stderr.resume();
  worker.unref();
  return worker;
}

function giveBack(worker: Worker, pixels: number): void {
  const pool = (globalForDecoders.loupeJsDecoders ??= []);
  if (pixels > RETIRE_AFTER_PIXELS || pool.length >= config().sharpConcurrency) void worker.terminate();
  else pool.push({ worker });
}

/**
 * Decodes one image (a file path, which the worker reads itself, or bytes) in a worker. The caller holds a sharp
 * slot (derivatives.ts), so the same limiter bounds these decodes. A worker that dies (out of memory on a hostile
 * file) answers corrupt_image and is not reused.
 */
export function decodeInWorker(format: JsDecodedFormat, input: string | Buffer, maxPixels: number): Promise<WorkerAnswer> {
  const worker = takeWorker();
  return new Promise((resolve) => {
    const onMessage = (answer: WorkerAnswer) => {
      worker.off('error', onError);
      giveBack(worker, answer.ok ? answer.width * answer.height : 0);
      resolve(answer);
    };
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      void worker.terminate();
      resolve({ ok: false, code: 'corrupt_image', message: `the decoder stopped (${error.message.split('\n')[0]})` });
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.postMessage({ format, input, maxPixels });
  });
}

export type BmpHeaderCheck = { ok: true; width: number; height: number } | { ok: false; code: 'too_many_pixels' | 'corrupt_image'; message: string; width?: number; height?: number };

const BMP_DEPTHS = new Set([1, 4, 8, 16, 24, 32]);

/** The bytes of a BMP that checkBmpHeader reads: the file header and the fields of the info header it uses. */
export const BMP_HEADER_BYTES = 54;

/**
 * Reads a BMP's header (its first BMP_HEADER_BYTES, and the file's size) and refuses what would make a decoder
 * allocate or read beyond the file: absurd sizes (a negative height only means top-down rows, but its magnitude
 * still counts), an unknown depth, a palette larger than its depth allows or than the file holds, or pixel
 * rows that run past the end of the file.
 */
export function checkBmpHeader(head: Buffer, fileSize: number, maxPixels: number): BmpHeaderCheck {
  const corrupt = (message: string): BmpHeaderCheck => ({ ok: false, code: 'corrupt_image', message });
  if (head.length < BMP_HEADER_BYTES || head.toString('latin1', 0, 2) !== 'BM') return corrupt('the BMP header is incomplete');
  const pixelOffset = head.readUInt32LE(10);
  const headerSize = head.readUInt32LE(14);
  if (headerSize < 40 || 14 + headerSize > fileSize) return corrupt(`the BMP info header size (${headerSize}) is not valid`);
  const width = head.readInt32LE(18);
  const signedHeight = head.readInt32LE(22);
  const height = Math.abs(signedHeight);
  const depth = head.readUInt16LE(28);
  const compression = head.readUInt32LE(30);
  const colours = head.readUInt32LE(46);
  if (width <= 0 || signedHeight === 0 || signedHeight === -2147483648) return corrupt(`the BMP header declares ${width}x${signedHeight} pixels`);
  if (width * height > maxPixels) return { ok: false, code: 'too_many_pixels', message: '', width, height };
  if (!BMP_DEPTHS.has(depth)) return corrupt(`the BMP declares ${depth} bits per pixel`);
  if (depth <= 8) {
    const paletteEntries = colours === 0 ? 2 ** depth : colours;
    if (colours > 2 ** depth) return corrupt(`the BMP palette declares ${colours} colours, more than ${depth}-bit pixels can use`);
    if (14 + headerSize + paletteEntries * 4 > pixelOffset) return corrupt('the BMP palette runs into the pixel data');
  }
  // Compressed (RLE) rows have no fixed size; uncompressed ones must all be in the file.
  if (compression === 0) {
    const rowBytes = Math.ceil((width * depth) / 32) * 4;
    if (pixelOffset + rowBytes * height > fileSize) return corrupt('the BMP pixel data is truncated');
  } else if (compression !== 1 && compression !== 2 && compression !== 3 && compression !== 6) {
    return corrupt(`the BMP uses compression ${compression}, which no BMP decoder here reads`);
  }
  return { ok: true, width, height };
}
