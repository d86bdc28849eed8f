import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { config } from '@/lib/config';

/**
 * Video handling with ffmpeg and ffprobe: the binaries shipped inside @ffmpeg-installer/@ffprobe-installer, or
 * FFMPEG_PATH / FFPROBE_PATH. Every run is bounded by FFMPEG_TIMEOUT_MS and killed (SIGKILL) past it, and at
 * most VIDEO_CONCURRENCY videos are processed at once in this process. Frames come out as PNG files in a
 * private temporary folder; the caller turns them into WebP with sharp.
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

export type VideoFailureCode = 'unsupported_format' | 'corrupt_video' | 'no_video_stream' | 'empty_video' | 'video_too_long' | 'video_too_large' | 'video_timeout';
export type VideoFailure = { ok: false; code: VideoFailureCode; message: string };

/** Long side of keyframes and the poster, as the seed pipeline for video alt text sends them. */
export const FRAME_LONG_EDGE = 1024;
export const MAX_KEYFRAMES = 5;
/** ffmpeg's scene score (0..1) above which a frame counts as a cut. */
const SCENE_THRESHOLD = 0.3;

async function executable(file: string | undefined): Promise<string | null> {
  if (!file) return null;
  try {
    await fs.access(file, fs.constants.X_OK);
    return file;
  } catch {
    return null;
  }
}

async function installedBinary(pkg: '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe'): Promise<string | undefined> {
  try {
    // The installer packages throw when no binary exists for this platform: that is "not available", not a bug.
    const loaded = pkg === '@ffmpeg-installer/ffmpeg' ? await import('@ffmpeg-installer/ffmpeg') : await import('@ffprobe-installer/ffprobe');
    return (loaded.default ?? loaded).path;
  } catch {
    return undefined;
  }
}

/** The ffmpeg and ffprobe this server uses, or null when either is missing (videos then end as unsupported_format). */
export async function videoTools(): Promise<VideoTools | null> {
  const { video } = config();
  const ffmpeg = await executable(video.ffmpegPath ?? (await installedBinary('@ffmpeg-installer/ffmpeg')));
  const ffprobe = await executable(video.ffprobePath ?? (await installedBinary('@ffprobe-installer/ffprobe')));
  return ffmpeg && ffprobe ? { ffmpeg, ffprobe } : null;
}

export const NO_VIDEO_TOOLS: VideoFailure = {
  ok: false,
  code: 'unsupported_format',
  message: 'Video is not supported by this server (ffmpeg and ffprobe are not available): the original is kept and can be downloaded, but no poster frame can be made.',
};

type RunResult = { ok: true; stdout: string; stderr: string } | { ok: false; timedOut: boolean; stderr: string };

/** Runs one ffmpeg/ffprobe command; past the timeout the process is killed outright, whatever it is doing. */
export function runTool(binary: string, args: string[], timeoutMs = config().video.timeoutMs): Promise<RunResult> {
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
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; duration?: string; nb_frames?: string }[];
  format?: { format_name?: string; duration?: string };
}

function frameRate(value: string | undefined): number | null {
  const [num, den] = (value ?? '').split('/').map(Number);
  return num > 0 && den > 0 ? Math.round((num / den) * 100) / 100 : null;
}

/** Duration, size, codec and frame rate, with the limits applied: nothing is decoded beyond the headers here. */
export async function probeVideo(tools: VideoTools, file: string): Promise<{ ok: true; facts: VideoFacts } | VideoFailure> {
  const probed = await runTool(tools.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
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

/** Fits 1024 px on the long side, never enlarging. */
const scale = `scale='min(${FRAME_LONG_EDGE},iw)':'min(${FRAME_LONG_EDGE},ih)':force_original_aspect_ratio=decrease`;

/** One frame at `seconds` (fast seek), 1024 px on the long side, as PNG bytes. */
export async function extractFrame(tools: VideoTools, file: string, seconds: number, outputFile: string): Promise<{ ok: true; png: Buffer } | VideoFailure> {
  const run = await runTool(tools.ffmpeg, ['-v', 'error', '-y', '-ss', seconds.toFixed(3), '-i', file, '-frames:v', '1', '-vf', scale, outputFile]);
  if (!run.ok) return run.timedOut ? timeoutFailure() : { ok: false, code: 'corrupt_video', message: `No frame could be decoded (${lastLine(run.stderr)}): the video is damaged or truncated. The original is kept.` };
  const png = await fs.readFile(outputFile).catch(() => null);
  if (!png) return { ok: false, code: 'corrupt_video', message: 'No frame could be decoded at that point: the video is damaged or truncated. The original is kept.' };
  return { ok: true, png };
}

/**
 * Up to five keyframes spread over the video: one decoding pass picks scene changes (the first frame, then cuts at
 * least a sixth of the video apart, so one busy second does not take every slot); where there are fewer cuts than
 * slots, the rest are frames at evenly spaced times. In time order, PNG bytes.
 */
export async function extractKeyframes(tools: VideoTools, file: string, durationSeconds: number, workDir: string): Promise<{ ok: true; frames: Buffer[] } | VideoFailure> {
  const spacing = (durationSeconds / (MAX_KEYFRAMES + 1)).toFixed(3);
  const select = `select='isnan(prev_selected_t)+gt(scene\\,${SCENE_THRESHOLD})*gte(t-prev_selected_t\\,${spacing})'`;
  const pattern = path.join(workDir, 'scene-%02d.png');
  // -xerror: this pass reads the whole video, so a truncated or damaged one fails here instead of yielding fewer frames.
  const run = await runTool(tools.ffmpeg, ['-v', 'error', '-xerror', '-y', '-i', file, '-an', '-vf', `${select},${scale}`, '-vsync', 'vfr', '-frames:v', String(MAX_KEYFRAMES), pattern]);
  if (!run.ok) return run.timedOut ? timeoutFailure() : { ok: false, code: 'corrupt_video', message: `The video could not be decoded (${lastLine(run.stderr)}): it is damaged or truncated. The original is kept.` };
  const names = (await fs.readdir(workDir)).filter((name) => name.startsWith('scene-')).sort();
  const frames: Buffer[] = await Promise.all(names.map((name) => fs.readFile(path.join(workDir, name))));
  // Scene changes alone rarely fill the slots for a product clip (one continuous shot): evenly spaced frames do.
  const missing = MAX_KEYFRAMES - frames.length;
  for (let index = 0; index < missing; index++) {
    const at = (durationSeconds * (index + 1)) / (missing + 1);
    const frame = await extractFrame(tools, file, at, path.join(workDir, `even-${index}.png`));
    if (!frame.ok) return frame;
    frames.push(frame.png);
  }
  return { ok: true, frames };
}

/** The poster: a frame a tenth of the way in (first frames are often black or a fade-in). */
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
