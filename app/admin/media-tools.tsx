import type { VideoToolVersions } from '@/lib/ingest';

/**
 * Admins: which ffmpeg and ffprobe this server runs on videos, as each binary names itself (the first line of
 * `-version`), beside the vision and embedding model notices; or that videos get no frames without them.
 */
export function MediaToolsNotice({ versions }: { versions: VideoToolVersions | null }) {
  if (!versions) {
    return (
      <p role="status" data-testid="media-tools" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
        Video tools: ffmpeg and ffprobe are not available (set FFMPEG_PATH and FFPROBE_PATH), so videos are kept and can be downloaded, but get no
        poster, frames or alt text.
      </p>
    );
  }
  return (
    <div role="status" data-testid="media-tools" className="text-sm text-neutral-600">
      <p>Video tools:</p>
      <ul className="mt-1 break-words font-mono text-xs">
        <li>{versions.ffmpeg}</li>
        <li>{versions.ffprobe}</li>
      </ul>
    </div>
  );
}
