import exifr from 'exifr';

/** Formats (as sniff.ts names them) sharp or a decoder of js-decoders.ts reads; anything else sniffed as an image is unsupported. */
const LOADABLE = new Set(['jpeg', 'png', 'webp', 'avif', 'gif', 'tiff', 'heic', 'heif', 'bmp']);

/** TIFF PhotometricInterpretation values for the Lab colour spaces (CIELab, ICCLab, ITULab). */
const TIFF_LAB = new Set([8, 9, 10]);

/**
 * Names the format when a file is a real image this server cannot decode, so the asset says so instead of
 * "corrupt". Returns null when the failure is the file's fault.
 */
export function unsupportedFormatName(sniffedFormat: string | null): string | null {
  return sniffedFormat && !LOADABLE.has(sniffedFormat) ? sniffedFormat.toUpperCase() : null;
}

/**
 * CIELab TIFFs need their own decoder: sharp fails on the 8-bit ones ("bad labq format"). Their declared size
 * (from the header, read from a file in pieces), or null for any other file.
 */
export async function labTiffSize(input: string | Buffer): Promise<{ width: number; height: number } | null> {
  try {
    const tags = await exifr.parse(input, { tiff: true, ifd0: { pick: ['PhotometricInterpretation', 'ImageWidth', 'ImageHeight'] }, exif: false, gps: false });
    if (!TIFF_LAB.has(Number(tags?.PhotometricInterpretation))) return null;
    return { width: Number(tags?.ImageWidth ?? 0), height: Number(tags?.ImageHeight ?? 0) };
  } catch {
    return null;
  }
}

export function unsupportedMessage(formatName: string): string {
  return `${formatName} is not supported by this server: the original is kept and can be downloaded, but no thumbnail can be made.`;
}
