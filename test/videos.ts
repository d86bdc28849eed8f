import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { withVideoWorkspace, type VideoTools } from '@/lib/ingest/video';

export interface TestVideoOptions {
  container?: 'mp4' | 'mov' | 'webm';
  seconds?: number;
  width?: number;
  height?: number;
  rate?: number;
  faststart?: boolean;
}

/**
 * A test video encoded by the ffmpeg under test from stills written here (one solid colour a second, each second
 * a different one, so frames from different moments differ): never a fetched file. The stills go in through
 * ffmpeg's image2 reader and are repeated to `rate` frames a second, which needs no filter the packaged ffmpeg
 * may lack (it carries a chosen few, and no test-pattern source).
 */
export function makeTestVideo(tools: VideoTools, options: TestVideoOptions = {}): Buffer {
  const { container = 'mp4', seconds = 3, width = 640, height = 360, rate = 25 } = options;
  const codec = container === 'webm' ? ['-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8'] : ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  return ffmpegOutput(tools, `video.${container}`, (dir) => [
    ...stills(dir, seconds, width, height, rate),
    ...codec,
    ...(options.faststart ? ['-movflags', '+faststart'] : []),
  ]);
}

/** Runs ffmpeg with the arguments `args(dir)` gives, then the output file, in a temporary folder, and returns the file's bytes. */
function ffmpegOutput(tools: VideoTools, name: string, args: (dir: string) => string[]): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-test-media-'));
  const output = path.join(dir, name);
  try {
    execFileSync(tools.ffmpeg, ['-v', 'error', '-y', ...args(dir), output]);
    return fs.readFileSync(output);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes one still a second into `dir` and returns ffmpeg's input arguments: `seconds` long at `rate` frames a second. */
function stills(dir: string, seconds: number, width: number, height: number, rate: number): string[] {
  const count = Math.max(1, Math.ceil(seconds));
  for (let second = 0; second < count; second++) {
    const colour = [(40 + second * 53) % 256, (90 + second * 97) % 256, (140 + second * 151) % 256] as const;
    fs.writeFileSync(path.join(dir, `still-${String(second).padStart(4, '0')}.png`), solidPng(width, height, colour));
  }
  return ['-framerate', '1', '-i', path.join(dir, 'still-%04d.png'), '-r', String(rate), '-fps_mode', 'cfr', '-t', String(seconds)];
}

/** A PNG of one colour, written by hand (synchronously, as the callers are): 8-bit RGB, no filtering. */
function solidPng(width: number, height: number, [red, green, blue]: readonly [number, number, number]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([red, green, blue], 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * An H.264 MP4 with a single keyframe at the start and every other frame predicted from it, so any frame late in
 * the video can only be reached by decoding all the frames before it. At a rate like 600 frames a second it is
 * the attack of issue 17: a small file whose frames cost minutes to decode.
 */
export function makeOneKeyframeVideo(tools: VideoTools, options: { seconds: number; rate: number; width?: number; height?: number }): Buffer {
  return ffmpegOutput(tools, 'one-keyframe.mp4', (dir) => [
    ...stills(dir, options.seconds, options.width ?? 320, options.height ?? 180, options.rate),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-x264-params',
    'keyint=infinite:scenecut=0',
  ]);
}

/** An audio-only MP4 (AAC sine tone): a real container with no picture. */
export function makeAudioOnly(tools: VideoTools): Buffer {
  return ffmpegOutput(tools, 'tone.mp4', () => ['-f', 'lavfi', '-i', 'sine=duration=2', '-c:a', 'aac']);
}

/** An MP4 container with no frames at all: a 0-second video. */
export function makeEmptyVideo(tools: VideoTools): Buffer {
  return ffmpegOutput(tools, 'empty.mp4', (dir) => [...stills(dir, 1, 320, 240, 25), '-frames:v', '0', '-c:v', 'libx264']);
}

/** Runs `work` on `bytes` as a video file (as Storage.withFile hands an original over), in the video workspace. */
export function withVideoBytes<T>(bytes: Buffer, work: (file: string, workDir: string) => Promise<T>): Promise<T> {
  return withVideoWorkspace(async (workDir) => {
    const file = path.join(workDir, 'original');
    fs.writeFileSync(file, bytes);
    return work(file, workDir);
  });
}
