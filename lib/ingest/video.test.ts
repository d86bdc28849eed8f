import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '@/lib/config';
import { makeAudioOnly, makeEmptyVideo, makeOneKeyframeVideo, makeTestVideo, withVideoBytes } from '@/test/videos';
import { SNIFF_BYTES, sniffImageType } from './sniff';
import { extractKeyframes, FRAME_LONG_EDGE, MAX_DECODED_FRAMES, MAX_KEYFRAMES, planFrames, probeVideo, readPacketIndex, runTool, videoDeadline, videoTools, videoToolVersions, type VideoTools } from './video';

let tools: VideoTools;

beforeAll(async () => {
  const found = await videoTools();
  if (!found) throw new Error('ffmpeg/ffprobe from @ffmpeg-installer/@ffprobe-installer should be installed with the dependencies');
  tools = found;
});

afterEach(() => {
  delete process.env.VIDEO_MAX_SECONDS;
  delete process.env.FFMPEG_PATH;
  delete process.env.FFMPEG_TIMEOUT_MS;
  resetConfig();
});

function probeBytes(bytes: Buffer) {
  return withVideoBytes(bytes, (file) => probeVideo(tools, file));
}

describe('sniffing videos from their bytes', () => {
  it.each(['mp4', 'mov', 'webm'] as const)('%s is a video whatever it is called', async (container) => {
    const sniffed = await sniffImageType(makeTestVideo(tools, { container, seconds: 1 }).subarray(0, SNIFF_BYTES));
    expect(sniffed).toMatchObject({ kind: 'video', mimeType: { mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm' }[container] });
  });

  it('a zip renamed .mp4 is refused as not a photo or video', async () => {
    // A real zip with one stored entry, built by hand: local header, data, central directory, end record.
    const data = Buffer.from('catalogue.csv contents');
    const name = Buffer.from('catalogue.csv');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const zip = Buffer.concat([local, name, data]);
    expect(await sniffImageType(zip)).toEqual({ kind: 'not_an_image', detected: 'application/zip' });
  });

  it('an audio-only MP4 is not sniffed as an image; ffprobe then finds no picture', async () => {
    const audio = makeAudioOnly(tools);
    expect((await sniffImageType(audio.subarray(0, SNIFF_BYTES))).kind).not.toBe('image');
    expect(await probeBytes(audio)).toMatchObject({ ok: false, code: 'no_video_stream' });
  });
});

describe('probing', () => {
  it('reads duration, size, codec and frame rate of MP4, MOV and WebM', async () => {
    expect(await probeBytes(makeTestVideo(tools, { seconds: 2, width: 640, height: 360, rate: 25 }))).toEqual({
      ok: true,
      facts: { format: 'mov', width: 640, height: 360, durationSeconds: 2, codec: 'h264', fps: 25, hasAudio: false },
    });
    expect(await probeBytes(makeTestVideo(tools, { container: 'webm', seconds: 1, width: 320, height: 240 }))).toMatchObject({ ok: true, facts: { codec: 'vp8', width: 320, height: 240 } });
    expect(await probeBytes(makeTestVideo(tools, { container: 'mov', seconds: 1 }))).toMatchObject({ ok: true, facts: { codec: 'h264' } });
  });

  it('refuses a video over the length limit', async () => {
    process.env.VIDEO_MAX_SECONDS = '2';
    resetConfig();
    const result = await probeBytes(makeTestVideo(tools, { seconds: 3, width: 160, height: 120 }));
    expect(result).toMatchObject({ ok: false, code: 'video_too_long' });
    expect(!result.ok && result.message).toMatch(/3 s long; this server takes videos up to 2 s/);
  });

  it('a truncated video (its index cut off) is corrupt_video', async () => {
    const whole = makeTestVideo(tools, { seconds: 3 });
    expect(await probeBytes(whole.subarray(0, Math.floor(whole.length / 2)))).toMatchObject({ ok: false, code: 'corrupt_video' });
  });

  it('a 0-second video is empty_video', async () => {
    expect(await probeBytes(makeEmptyVideo(tools))).toMatchObject({ ok: false, code: 'empty_video' });
  });
});

describe('keyframes', () => {
  it('five frames, 1024 px on the long side, in time order, spread over the video', async () => {
    const bytes = makeTestVideo(tools, { seconds: 6, width: 1280, height: 720 });
    const result = await withVideoBytes(bytes, (file, dir) => extractKeyframes(tools, file, 6, dir));
    if (!result.ok) throw new Error(result.message);
    expect(result.frames).toHaveLength(MAX_KEYFRAMES);
    const sizes = await Promise.all(result.frames.map((frame) => sharp(frame).metadata()));
    for (const size of sizes) expect({ width: size.width, height: size.height }).toEqual({ width: FRAME_LONG_EDGE, height: 576 });
    // Each second of the test video has its own colour: frames from different moments differ.
    const distinct = new Set(result.frames.map((frame) => frame.toString('base64')));
    expect(distinct.size).toBe(MAX_KEYFRAMES);
  });

  it('a video truncated in its picture data (index up front) fails the keyframe pass with corrupt_video', async () => {
    const whole = makeTestVideo(tools, { seconds: 3, faststart: true });
    const cut = whole.subarray(0, Math.floor(whole.length / 2));
    const result = await withVideoBytes(cut, (file, dir) => extractKeyframes(tools, file, 3, dir));
    expect(result).toMatchObject({ ok: false, code: 'corrupt_video' });
  });
});

describe('videos built to burn decoding time: bounded from ffprobe facts before anything is decoded', () => {
  it('a flood of 600 frames a second behind one keyframe is refused by the probe, with its reason', async () => {
    const result = await probeBytes(makeOneKeyframeVideo(tools, { seconds: 10, rate: 600 }));
    expect(result).toMatchObject({ ok: false, code: 'video_too_many_frames' });
    expect(!result.ok && result.message).toMatch(/6,000 frames in 10 s \(600 a second\); this server takes up to 240 frames a second/);
  });

  it('the frame plan decodes no more than its budget, whatever the video: one keyframe, two minutes', () => {
    const times = Array.from({ length: 3000 }, (_, frame) => frame / 25);
    const picks = planFrames({ times, keyframes: [0] }, [20, 40, 60, 80, 100]);
    expect(picks).toEqual([
      { seconds: 20, exact: true, cost: 501 },
      { seconds: 0, exact: false, cost: 1 },
    ]);
    expect(picks.reduce((total, pick) => total + pick.cost, 0)).toBeLessThanOrEqual(MAX_DECODED_FRAMES);
  });

  it('a video with keyframes every second gets its five frames exactly where wanted, cheaply', () => {
    const times = Array.from({ length: 1500 }, (_, frame) => frame / 25);
    const picks = planFrames({ times, keyframes: Array.from({ length: 60 }, (_, second) => second) }, [10.5, 20.5, 30.5, 40.5, 50.5]);
    expect(picks.map((pick) => [pick.seconds, pick.exact, pick.cost])).toEqual([10.5, 20.5, 30.5, 40.5, 50.5].map((seconds) => [seconds, true, 13]));
  });

  it('keyframes of a two-minute video with one keyframe: taken within the decode budget, never the whole video', async () => {
    const bytes = makeOneKeyframeVideo(tools, { seconds: 120, rate: 25 });
    const result = await withVideoBytes(bytes, async (file, dir) => {
      const index = await readPacketIndex(tools, file, videoDeadline());
      expect(index).toMatchObject({ ok: true, index: { keyframes: [0] } });
      return extractKeyframes(tools, file, 120, dir);
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.decodedFrames).toBeLessThanOrEqual(MAX_DECODED_FRAMES);
    expect(result.frames).toHaveLength(2);
    expect(new Set(result.frames.map((frame) => frame.toString('base64'))).size).toBe(2);
  });
});

describe('ffmpeg that hangs', () => {
  it("one job's runs share one budget: once it is spent, the next run is not even started and the step fails with video_timeout", async () => {
    const bytes = makeTestVideo(tools, { seconds: 1, width: 160, height: 120 });
    const spent = Date.now() - 1;
    expect(await runTool(tools.ffprobe, ['-v', 'error', '-show_format', '/nonexistent'], spent)).toMatchObject({ ok: false, timedOut: true });
    const result = await withVideoBytes(bytes, (file, dir) => extractKeyframes(tools, file, 1, dir, spent));
    expect(result).toMatchObject({ ok: false, code: 'video_timeout' });
  });

  it('is killed at the timeout and reported as video_timeout', async () => {
    process.env.FFMPEG_TIMEOUT_MS = '1500';
    resetConfig();
    // A named pipe nobody writes to: ffmpeg blocks opening its input for ever.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-fifo-'));
    const fifo = path.join(dir, 'never.mp4');
    execFileSync('mkfifo', [fifo]);
    try {
      const run = await runTool(tools.ffprobe, ['-v', 'error', '-show_format', fifo]);
      expect(run).toMatchObject({ ok: false, timedOut: true });
      const probed = await probeVideo(tools, fifo);
      expect(probed).toMatchObject({ ok: false, code: 'video_timeout' });
      // Nothing of ours is left running on the fifo.
      const left = spawnSync('pgrep', ['-f', fifo]).stdout.toString().trim();
      expect(left).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the versions shown on the admin page', () => {
  it("are the first line each binary itself prints for -version", async () => {
    const said = (binary: string) => execFileSync(binary, ['-version'], { encoding: 'utf8' }).split('\n')[0].trim();
    const versions = await videoToolVersions();
    expect(versions).toEqual({ ffmpeg: said(tools.ffmpeg), ffprobe: said(tools.ffprobe) });
  });

  it('are current releases: ffmpeg and ffprobe of the same FFmpeg, major version 6 or later (not a 2018 snapshot)', async () => {
    const versions = await videoToolVersions();
    // Release builds say "version 7.1" or "version n7.1"; a git snapshot says "version N-47683-g…" and has no release number.
    const major = (line: string | undefined) => Number(line?.match(/ version n?(\d+)\.\d+/)?.[1] ?? 0);
    expect(major(versions?.ffmpeg)).toBeGreaterThanOrEqual(6);
    expect(major(versions?.ffprobe)).toBeGreaterThanOrEqual(6);
    const release = (line: string | undefined) => line?.match(/ version (\S+)/)?.[1];
    expect(release(versions?.ffprobe)).toBe(release(versions?.ffmpeg));
  });
});

describe('without ffmpeg', () => {
  it('FFMPEG_PATH pointing nowhere: no video tools, so videos end as unsupported_format', async () => {
    process.env.FFMPEG_PATH = '/nonexistent/ffmpeg';
    resetConfig();
    expect(await videoTools()).toBeNull();
  });
});
