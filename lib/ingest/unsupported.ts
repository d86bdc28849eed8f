import exifr from 'exifr';
import type { Metadata } from 'sharp';

/** Formats (as sniff.ts names them) this sharp build has a loader for; anything else sniffed as an image is unsupported. */
const LOADABLE = new Set(['jpeg', 'png', 'webp', 'avif', 'gif', 'tiff', 'heic', 'heif']);

/** TIFF PhotometricInterpretation values for the Lab colour spaces (CIELab, ICCLab, ITULab). */
const TIFF_LAB = new Set([8, 9, 10]);

/**
 * Names the format when a file is a real image this server cannot decode (prebuilt sharp has no BMP loader,
 * no HEVC decoder for HEIC, and fails on 8-bit CIELab TIFF), so the asset says so instead of "corrupt".
 * Returns null when the failure is the file's fault.
 */
export async function unsupportedFormatName(input: Buffer, sniffedFormat: string | null, metadata: Metadata | null): Promise<string | null> {
  if (sniffedFormat && !LOADABLE.has(sniffedFormat)) return sniffedFormat.toUpperCase();
  if (metadata?.format === 'heif' && metadata.compression === 'hevc') return 'HEIC';
  if (sniffedFormat === 'tiff' || metadata?.format === 'tiff') {
    if (await isLabTiff(input)) return 'CIELab TIFF';
  }
  return null;
}

async function isLabTiff(input: Buffer): Promise<boolean> {
  try {
    const tags = await exifr.parse(input, { pick: ['PhotometricInterpretation'] });
    return TIFF_LAB.has(Number(tags?.PhotometricInterpretation));
  } catch {
    return false;
  }
}

export function unsupportedMessage(formatName: string): string {
  return `${formatName} is not supported by this server: the original is kept and can be downloaded, but no thumbnail can be made.`;
}
