import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { VideoTools } from '@/lib/ingest/video';

export interface TestVideoOptions {
  container?: 'mp4' | 'mov' | 'webm';
  seconds?: number;
  width?: number;
  height?: number;
  rate?: number;
  /** Cuts between differently coloured shots, so ffmpeg's scene detection has something to find. */
  cuts?: boolean;
  faststart?: boolean;
}

/** A test video made by ffmpeg itself (testsrc, or coloured shots with cuts): never a fetched file. */
export function makeTestVideo(tools: VideoTools, options: TestVideoOptions = {}): Buffer {
  const { container = 'mp4', seconds = 3, width = 640, height = 360, rate = 25 } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-test-video-'));
  const output = path.join(dir, `video.${container}`);
  const size = `${width}x${height}`;
  const input = options.cuts
    ? ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${rate}:duration=${seconds},hue=h='floor(t*2/${seconds}*3)*120'`]
    : ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${rate}:duration=${seconds}`];
  const codec = container === 'webm' ? ['-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8'] : ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  try {
    execFileSync(tools.ffmpeg, ['-v', 'error', '-y', ...input, ...codec, ...(options.faststart ? ['-movflags', '+faststart'] : []), output]);
    return fs.readFileSync(output);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** An audio-only MP4 (AAC sine tone): a real container with no picture. */
export function makeAudioOnly(tools: VideoTools): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-test-audio-'));
  const output = path.join(dir, 'tone.mp4');
  try {
    execFileSync(tools.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=2', '-c:a', 'aac', output]);
    return fs.readFileSync(output);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** An MP4 container with no frames at all: a 0-second video. */
export function makeEmptyVideo(tools: VideoTools): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-test-empty-'));
  const output = path.join(dir, 'empty.mp4');
  try {
    execFileSync(tools.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '0', '-c:v', 'libx264', output]);
    return fs.readFileSync(output);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
