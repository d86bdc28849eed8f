import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withVideoWorkspace, type VideoTools } from '@/lib/ingest/video';

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
  const size = `${width}x${height}`;
  const input = options.cuts
    ? ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${rate}:duration=${seconds},hue=h='floor(t*2/${seconds}*3)*120'`]
    : ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${rate}:duration=${seconds}`];
  const codec = container === 'webm' ? ['-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8'] : ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  return ffmpegOutput(tools, `video.${container}`, [...input, ...codec, ...(options.faststart ? ['-movflags', '+faststart'] : [])]);
}

/** Runs ffmpeg with `args` then the output file, in a temporary folder, and returns the file's bytes. */
function ffmpegOutput(tools: VideoTools, name: string, args: string[]): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-test-media-'));
  const output = path.join(dir, name);
  try {
    execFileSync(tools.ffmpeg, ['-v', 'error', '-y', ...args, output]);
    return fs.readFileSync(output);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An H.264 MP4 with a single keyframe at the start and every other frame predicted from it, so any frame late in
 * the video can only be reached by decoding all the frames before it. At a rate like 600 frames a second it is
 * the attack of issue 17: a small file whose frames cost minutes to decode.
 */
export function makeOneKeyframeVideo(tools: VideoTools, options: { seconds: number; rate: number; width?: number; height?: number }): Buffer {
  const size = `${options.width ?? 320}x${options.height ?? 180}`;
  return ffmpegOutput(tools, 'one-keyframe.mp4', [
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${size}:rate=${options.rate}:duration=${options.seconds}`,
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
  return ffmpegOutput(tools, 'tone.mp4', ['-f', 'lavfi', '-i', 'sine=duration=2', '-c:a', 'aac']);
}

/** An MP4 container with no frames at all: a 0-second video. */
export function makeEmptyVideo(tools: VideoTools): Buffer {
  return ffmpegOutput(tools, 'empty.mp4', ['-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '0', '-c:v', 'libx264']);
}

/** Runs `work` on `bytes` as a video file (as Storage.withFile hands an original over), in the video workspace. */
export function withVideoBytes<T>(bytes: Buffer, work: (file: string, workDir: string) => Promise<T>): Promise<T> {
  return withVideoWorkspace(async (workDir) => {
    const file = path.join(workDir, 'original');
    fs.writeFileSync(file, bytes);
    return work(file, workDir);
  });
}
