import type { AssetView } from '@/lib/assets';
import type { ImageFacts, VideoFacts } from '@/lib/ingest';
import { formatBytes, formatDimensions, formatDuration } from '@/components/assets/format';
import { formatDate } from '@/lib/words';

/** EXIF orientation values, as a person would say them. */
const ORIENTATIONS: Record<number, string> = {
  1: 'Upright',
  2: 'Mirrored',
  3: 'Rotated 180°',
  4: 'Mirrored, rotated 180°',
  5: 'Mirrored, rotated 90° counter-clockwise',
  6: 'Rotated 90° clockwise',
  7: 'Mirrored, rotated 90° clockwise',
  8: 'Rotated 90° counter-clockwise',
};

/** sharp's names for sample formats, as bits per channel. */
const BIT_DEPTHS: Record<string, string> = { uchar: '8-bit', char: '8-bit', ushort: '16-bit', short: '16-bit', uint: '32-bit', int: '32-bit', float: '32-bit float', double: '64-bit float' };

/** sharp's colour space names, spelt as photographers do. */
const COLOUR_SPACES: Record<string, string> = { srgb: 'sRGB', rgb: 'RGB', rgb16: 'RGB (16-bit)', cmyk: 'CMYK', lab: 'CIELab', 'b-w': 'Greyscale', grey16: 'Greyscale (16-bit)', scrgb: 'scRGB' };

function describeOrientation(facts: Partial<ImageFacts>): string | null {
  if (facts.orientation === undefined) return null;
  const name = ORIENTATIONS[facts.orientation] ?? `EXIF ${facts.orientation}`;
  return facts.orientationApplied ? `${name} (EXIF ${facts.orientation}, applied to derivatives)` : name;
}

function describeCamera(facts: Partial<ImageFacts>): string | null {
  const camera = facts.camera;
  if (!camera) return null;
  // Many makers repeat the make in the model ("Canon" / "Canon EOS R5"): say it once.
  const model = camera.model && camera.make && camera.model.startsWith(camera.make) ? camera.model : [camera.make, camera.model].filter(Boolean).join(' ');
  return [model, camera.lens].filter(Boolean).join(' · ') || null;
}

/** The original's facts: what it really is (sniffed, not declared), its size and fingerprint, and its EXIF story. */
export function MetadataList({ asset }: { asset: AssetView }) {
  // The ingest step stores ImageFacts as the asset's metadata; older or failed rows may lack some of them.
  const facts = (asset.metadata ?? {}) as Partial<ImageFacts>;
  const video = (asset.metadata ?? {}) as Partial<VideoFacts>;
  const rows: Array<[string, string | null]> = [
    ['Format', asset.format ? `${asset.format.toUpperCase()}${asset.mimeType ? ` (${asset.mimeType})` : ''}` : null],
    ['Dimensions', formatDimensions(asset.width, asset.height)],
    ['Duration', video.durationSeconds === undefined ? null : formatDuration(video.durationSeconds)],
    ['Video', video.codec ? [video.codec.toUpperCase(), video.fps ? `${video.fps} frames a second` : null, video.hasAudio ? 'with sound' : 'no sound'].filter(Boolean).join(' · ') : null],
    ['File size', asset.sizeBytes === null ? null : `${formatBytes(asset.sizeBytes)} (${asset.sizeBytes.toLocaleString('en-US')} bytes)`],
    ['Orientation', describeOrientation(facts)],
    ['Colour space', facts.colourSpace ? `${COLOUR_SPACES[facts.colourSpace] ?? facts.colourSpace}${facts.iccProfile ? ' with ICC profile' : ''}` : null],
    ['Bit depth', facts.bitDepth ? (BIT_DEPTHS[facts.bitDepth] ?? facts.bitDepth) : null],
    ['Camera', describeCamera(facts)],
    ['Captured', facts.capturedAt ? formatDate(facts.capturedAt) : null],
    ['Uploaded', formatDate(asset.createdAt)],
    ['SHA-256', asset.sha256],
  ];
  return (
    <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm">
      {rows
        .filter((row): row is [string, string] => row[1] !== null)
        .map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-neutral-500">{label}</dt>
            <dd className={label === 'SHA-256' ? 'break-all font-mono text-xs leading-5' : ''}>{value}</dd>
          </div>
        ))}
    </dl>
  );
}
