import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { config } from '@/lib/config';

/**
 * Video handling with ffmpeg and ffprobe: the binaries shipped inside this platform's @remotion/compositor-*
 * package (FFmpeg 7.1, both binaries in the package itself, nothing downloaded at install), or FFMPEG_PATH /
 * FFPROBE_PATH. The work is bounded before anything is decoded, from ffprobe's facts: a video
 * declaring more frames a second than any camera records is refused, and frames are taken by seeking, never by
 * decoding the whole video, with at most MAX_DECODED_FRAMES decoded per job (counted from the packet index).
 * All the runs of one job share one FFMPEG_TIMEOUT_MS budget and are killed (SIGKILL) past it, and at most
 * VIDEO_CONCURRENCY videos are processed at once in this process. Frames come out as PNG files in a private
 * temporary folder; the caller turns them into WebP with sharp.
 */

export interface VideoTools {
  ffmpeg: string;
  ffprobe: string;
}

export interface VideoFacts {
  format: string;
  width: number;
  height: number;
  durationSeconds: number;
  codec: string;
  fps: number | null;
  hasAudio: boolean;
}

export type VideoFailureCode =
  | 'unsupported_format'
  | 'corrupt_video'
  | 'no_video_stream'
  | 'empty_video'
  | 'video_too_long'
  | 'video_too_large'
  | 'video_too_many_frames'
  | 'video_timeout';
export type VideoFailure = { ok: false; code: VideoFailureCode; message: string };

/** Long side of keyframes and the poster, as the seed pipeline for video alt text sends them. */
export const FRAME_LONG_EDGE = 1024;
export const MAX_KEYFRAMES = 5;
/**
 * Frames one job may decode in all: a frame at time t costs every frame from the keyframe before it up to t.
 * A minute of 25 fps video; a product clip's frames cost a few hundred at most.
 */
export const MAX_DECODED_FRAMES = 1_500;
/** More frames a second than this (slow-motion cameras record 240) is a flood of samples, not a video. */
export const MAX_FRAME_RATE = 240;

async function executable(file: string | undefined): Promise<string | null> {
  if (!file) return null;
  try {
    await fs.access(file, fs.constants.X_OK);
    return file;
  } catch {
    return null;
  }
}

/**
 * The packages that carry ffmpeg and ffprobe, by platform, in the order tried: npm installs only the one matching
 * the machine (os, cpu and libc in each package.json), so one that does not resolve means "not this one".
 */
const BINARY_PACKAGES: Record<string, string[]> = {
  'linux-x64': ['@remotion/compositor-linux-x64-gnu', '@remotion/compositor-linux-x64-musl'],
  'linux-arm64': ['@remotion/compositor-linux-arm64-gnu', '@remotion/compositor-linux-arm64-musl'],
  'darwin-x64': ['@remotion/compositor-darwin-x64'],
  'darwin-arm64': ['@remotion/compositor-darwin-arm64'],
  'win32-x64': ['@remotion/compositor-win32-x64-msvc'],
};

/**
 * The folder holding this platform's ffmpeg and ffprobe, or undefined when no package serves this platform.
 * Resolved at run time from the project's folder (not imported), so the server build never tries to bundle the
 * other platforms' packages, which are not installed here.
 */
function installedBinaryDir(): string | undefined {
  const resolveFromProject = createRequire(path.join(process.cwd(), 'package.json')).resolve;
  for (const name of BINARY_PACKAGES[`${process.platform}-${process.arch}`] ?? []) {
    try {
      return path.dirname(resolveFromProject(`${name}/package.json`));
    } catch {
      // Not installed on this machine (another libc): try the next.
    }
  }
  return undefined;
}

function installedBinary(name: 'ffmpeg' | 'ffprobe'): string | undefined {
  const dir = installedBinaryDir();
  return dir ? path.join(dir, process.platform === 'win32' ? `${name}.exe` : name) : undefined;
}

/** The ffmpeg and ffprobe this server uses, or null when either is missing (videos then end as unsupported_format). */
export async function videoTools(): Promise<VideoTools | null> {
  const { video } = config();
  const ffmpeg = await executable(video.ffmpegPath ?? installedBinary('ffmpeg'));
  const ffprobe = await executable(video.ffprobePath ?? installedBinary('ffprobe'));
  return ffmpeg && ffprobe ? { ffmpeg, ffprobe } : null;
}

/** The first line each binary prints for `-version` ("ffmpeg version n7.1 Copyright (c) 2000-2024 the FFmpeg developers"). */
export interface VideoToolVersions {
  ffmpeg: string;
  ffprobe: string;
}

const globalForVersions = globalThis as unknown as { loupeVideoToolVersions?: Promise<VideoToolVersions | null> };

/** What `-version` says first of each binary (asked once per process), for the admin page; null without the tools. */
export function videoToolVersions(): Promise<VideoToolVersions | null> {
  globalForVersions.loupeVideoToolVersions ??= (async () => {
    const tools = await videoTools();
    if (!tools) return null;
    const version = async (binary: string) => {
      const run = await runTool(binary, ['-version'], Date.now() + 10_000);
      return (run.ok && run.stdout.split('\n')[0].trim()) || `${path.basename(binary)}: -version gave no answer`;
    };
    return { ffmpeg: await version(tools.ffmpeg), ffprobe: await version(tools.ffprobe) };
  })();
  return globalForVersions.loupeVideoToolVersions;
}

export const NO_VIDEO_TOOLS: VideoFailure = {
  ok: false,
  code: 'unsupported_format',
  message: 'Video is not supported by this server (ffmpeg and ffprobe are not available): the original is kept and can be downloaded, but no poster frame can be made.',
};

type RunResult = { ok: true; stdout: string; stderr: string } | { ok: false; timedOut: boolean; stderr: string };

/** When a job's video work must be over: every ffmpeg and ffprobe run of the job draws on the same budget. */
export type VideoDeadline = number;

export function videoDeadline(): VideoDeadline {
  return Date.now() + config().video.timeoutMs;
}

/** Runs one ffmpeg/ffprobe command; past the deadline the process is killed outright, whatever it is doing. */
export function runTool(binary: string, args: string[], deadline: VideoDeadline = videoDeadline()): Promise<RunResult> {
  const timeoutMs = deadline - Date.now();
  if (timeoutMs <= 0) return Promise.resolve({ ok: false, timedOut: true, stderr: 'the video budget was spent before this run' });
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, stdout, stderr });
      const timedOut = (error as NodeJS.ErrnoException & { killed?: boolean }).killed === true;
      resolve({ ok: false, timedOut, stderr: String(stderr ?? error.message) });
    });
  });
}

function timeoutFailure(): VideoFailure {
  return {
    ok: false,
    code: 'video_timeout',
    message: `ffmpeg did not finish within ${Math.round(config().video.timeoutMs / 1000)} s on this video and was stopped. The original is kept; re-encode it (H.264 MP4) and upload it again.`,
  };
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.trim() ?? 'no details';
}

interface ProbeOutput {
  streams?: {
    index?: number;
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    duration?: string;
    nb_frames?: string;
    nb_read_packets?: string;
  }[];
  format?: { format_name?: string; duration?: string };
}

function frameRate(value: string | undefined): number | null {
  const [num, den] = (value ?? '').split('/').map(Number);
  return num > 0 && den > 0 ? Math.round((num / den) * 100) / 100 : null;
}

/**
 * Duration, size, codec and frame rate, with the limits applied: packets are counted (read, not decoded) and
 * nothing is decoded here.
 */
export async function probeVideo(tools: VideoTools, file: string, deadline: VideoDeadline = videoDeadline()): Promise<{ ok: true; facts: VideoFacts } | VideoFailure> {
  const probed = await runTool(tools.ffprobe, ['-v', 'error', '-count_packets', '-print_format', 'json', '-show_format', '-show_streams', file], deadline);
  if (!probed.ok) {
    if (probed.timedOut) return timeoutFailure();
    return { ok: false, code: 'corrupt_video', message: `The video cannot be read (${lastLine(probed.stderr)}): it is damaged or truncated. The original is kept; re-export it and upload it again.` };
  }
  const output = JSON.parse(probed.stdout) as ProbeOutput;
  if (!output.streams?.length) {
    return { ok: false, code: 'empty_video', message: 'The video has no frames (0 seconds, an empty container): there is nothing to show. Upload the full clip.' };
  }
  const video = output.streams?.find((stream) => stream.codec_type === 'video' && stream.codec_name !== 'mjpeg' && stream.codec_name !== 'png');
  if (!video?.width || !video.height) {
    return { ok: false, code: 'no_video_stream', message: 'The file has no picture (audio only, or an empty container): there is nothing to show. Upload a video with a picture.' };
  }
  const durationSeconds = Number(output.format?.duration ?? video.duration ?? 0);
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0 || video.nb_frames === '0') {
    return { ok: false, code: 'empty_video', message: 'The video is 0 seconds long: there is nothing to show. Upload the full clip.' };
  }
  const { maxSeconds, maxPixels } = config().video;
  if (durationSeconds > maxSeconds) {
    return { ok: false, code: 'video_too_long', message: `The video is ${Math.round(durationSeconds)} s long; this server takes videos up to ${maxSeconds} s. Upload a shorter cut.` };
  }
  if (video.width * video.height > maxPixels) {
    return { ok: false, code: 'video_too_large', message: `The video is ${video.width}x${video.height}; this server takes videos up to ${maxPixels.toLocaleString('en')} pixels a frame (8K). Upload a smaller rendition.` };
  }
  const frames = Number(video.nb_read_packets ?? video.nb_frames ?? 0);
  if (frames / durationSeconds > MAX_FRAME_RATE) {
    const perSecond = Math.round(frames / durationSeconds);
    return {
      ok: false,
      code: 'video_too_many_frames',
      message: `The video holds ${frames.toLocaleString('en')} frames in ${Math.round(durationSeconds)} s (${perSecond.toLocaleString('en')} a second); this server takes up to ${MAX_FRAME_RATE} frames a second. Export it again at its real frame rate and upload that.`,
    };
  }
  return {
    ok: true,
    facts: {
      format: (output.format?.format_name ?? 'video').split(',')[0],
      width: video.width,
      height: video.height,
      durationSeconds: Math.round(durationSeconds * 1000) / 1000,
      codec: video.codec_name ?? 'unknown',
      fps: frameRate(video.avg_frame_rate) ?? frameRate(video.r_frame_rate),
      hasAudio: Boolean(output.streams?.some((stream) => stream.codec_type === 'audio')),
    },
  };
}

/** A video's packets in time order (read from the container's index, never decoded): when each is, and which are keyframes. */
export interface PacketIndex {
  times: number[];
  keyframes: number[];
}

export async function readPacketIndex(tools: VideoTools, file: string, deadline: VideoDeadline): Promise<{ ok: true; index: PacketIndex } | VideoFailure> {
  const run = await runTool(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file], deadline);
  if (!run.ok) return run.timedOut ? timeoutFailure() : { ok: false, code: 'corrupt_video', message: `The video cannot be read (${lastLine(run.stderr)}): it is damaged or truncated. The original is kept.` };
  const packets = run.stdout
    .split('\n')
    .map((line) => line.split(','))
    .filter(([time]) => time !== undefined && time !== '' && Number.isFinite(Number(time)))
    .map(([time, flags]) => ({ time: Number(time), key: (flags ?? '').startsWith('K') }))
    .sort((a, b) => a.time - b.time);
  if (packets.length === 0) return { ok: false, code: 'corrupt_video', message: 'The video has no picture data: it is damaged or truncated. The original is kept.' };
  return { ok: true, index: { times: packets.map((packet) => packet.time), keyframes: packets.filter((packet) => packet.key).map((packet) => packet.time) } };
}

/**
 * A frame to take: `exact` decodes from the keyframe before `seconds` up to it (costing `cost` frames);
 * otherwise the keyframe at or before `seconds` is taken alone (one frame), with non-key frames never decoded.
 */
export interface FramePick {
  seconds: number;
  exact: boolean;
  cost: number;
}

/**
 * Which frames to take for the wanted times, within `budget` decoded frames in all: each wanted time exactly
 * while the budget lasts, else the keyframe before it. Picks of the same moment are kept once.
 */
export function planFrames(index: PacketIndex, wanted: number[], budget = MAX_DECODED_FRAMES): FramePick[] {
  const picks: FramePick[] = [];
  let left = budget;
  for (const seconds of wanted) {
    const keyframe = [...index.keyframes].reverse().find((time) => time <= seconds) ?? index.keyframes[0] ?? index.times[0];
    const cost = index.times.filter((time) => time >= keyframe && time <= seconds).length;
    const pick = cost <= left ? { seconds, exact: true, cost } : { seconds: keyframe, exact: false, cost: 1 };
    if (picks.some((taken) => taken.seconds === pick.seconds)) continue;
    left -= pick.cost;
    picks.push(pick);
  }
  return picks;
}

/** Fits 1024 px on the long side, never enlarging. */
const scale = `scale='min(${FRAME_LONG_EDGE},iw)':'min(${FRAME_LONG_EDGE},ih)':force_original_aspect_ratio=decrease`;

/** One frame as PNG bytes, 1024 px on the long side: an exact pick decodes from its keyframe on, any other only the keyframe. */
export async function extractFrame(tools: VideoTools, file: string, pick: FramePick, outputFile: string, deadline: VideoDeadline): Promise<{ ok: true; png: Buffer } | VideoFailure> {
  const seek = pick.exact ? ['-ss', pick.seconds.toFixed(3)] : ['-skip_frame', 'nokey', '-noaccurate_seek', '-ss', pick.seconds.toFixed(3)];
  const run = await runTool(tools.ffmpeg, ['-v', 'error', '-y', ...seek, '-i', file, '-an', '-frames:v', '1', '-vf', scale, outputFile], deadline);
  if (!run.ok) return run.timedOut ? timeoutFailure() : { ok: false, code: 'corrupt_video', message: `No frame could be decoded (${lastLine(run.stderr)}): the video is damaged or truncated. The original is kept.` };
  const png = await fs.readFile(outputFile).catch(() => null);
  if (!png) return { ok: false, code: 'corrupt_video', message: 'No frame could be decoded at that point: the video is damaged or truncated. The original is kept.' };
  return { ok: true, png };
}

/** The poster: a frame a tenth of the way in (first frames are often black or a fade-in), or the keyframe before it. */
export async function extractPoster(tools: VideoTools, file: string, durationSeconds: number, workDir: string, deadline: VideoDeadline): Promise<{ ok: true; png: Buffer } | VideoFailure> {
  const index = await readPacketIndex(tools, file, deadline);
  if (!index.ok) return index;
  const [pick] = planFrames(index.index, [posterTime(durationSeconds)]);
  return extractFrame(tools, file, pick, path.join(workDir, 'poster.png'), deadline);
}

/**
 * Up to five frames spread evenly over the video, in time order, PNG bytes, taken by seeking within the decode
 * budget (planFrames). `decodedFrames` is what the plan decodes, from the packet index.
 */
export async function extractKeyframes(
  tools: VideoTools,
  file: string,
  durationSeconds: number,
  workDir: string,
  deadline: VideoDeadline = videoDeadline(),
): Promise<{ ok: true; frames: Buffer[]; decodedFrames: number } | VideoFailure> {
  const index = await readPacketIndex(tools, file, deadline);
  if (!index.ok) return index;
  const wanted = Array.from({ length: MAX_KEYFRAMES }, (_, slot) => (durationSeconds * (slot + 1)) / (MAX_KEYFRAMES + 1));
  const picks = planFrames(index.index, wanted).sort((a, b) => a.seconds - b.seconds);
  const frames: Buffer[] = [];
  for (const [slot, pick] of picks.entries()) {
    const frame = await extractFrame(tools, file, pick, path.join(workDir, `frame-${slot}.png`), deadline);
    if (!frame.ok) return frame;
    frames.push(frame.png);
  }
  return { ok: true, frames, decodedFrames: picks.reduce((total, pick) => total + pick.cost, 0) };
}

/** The poster's time: a tenth of the way in, at most 5 s. */
export function posterTime(durationSeconds: number): number {
  return Math.min(durationSeconds * 0.1, 5);
}

const globalForVideo = globalThis as unknown as { loupeVideoLimit?: ReturnType<typeof pLimit> };

/**
 * Runs `work` under the process-wide video limit with a private temporary folder for the frames ffmpeg writes,
 * removed whatever happens. The original itself is a file already (Storage.withFile: ffmpeg seeks in files).
 */
export function withVideoWorkspace<T>(work: (workDir: string) => Promise<T>): Promise<T> {
  globalForVideo.loupeVideoLimit ??= pLimit(config().video.concurrency);
  return globalForVideo.loupeVideoLimit(async () => {
    const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-video-'));
    try {
      return await work(workDir);
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
    }
  });
}
