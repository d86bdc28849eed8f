/**
 * Names of the files inside a ZIP: `<product>/<position>.<ext>` for a photo of a product (the product named by
 * its handle, else its SKU, else its title; position 1 is the main image), the photo's own filename otherwise.
 * Every part is made safe for any desktop's file system (no separators, reserved characters, control
 * characters, leading dots or Windows device names), and a name already used gets " (2)", " (3)"… before its
 * extension, compared without case (macOS and Windows would overwrite one with the other).
 */

export interface EntrySource {
  filename: string;
  /** The extension of what the entry's bytes are (jpg, webp…). */
  extension: string;
  product: { handle: string | null; sku: string | null; title: string } | null;
  /** 0 = the product's main image. */
  position: number | null;
}

const MAX_PART = 100;
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** One path segment: reserved and control characters become "-", no leading dots or trailing dots and spaces. */
export function safeSegment(raw: string, fallback: string): string {
  const cleaned = raw
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '')
    .slice(0, MAX_PART)
    .trim();
  if (!cleaned) return fallback;
  return WINDOWS_DEVICES.test(cleaned.split('.')[0]) ? `_${cleaned}` : cleaned;
}

function splitExtension(name: string): { stem: string; extension: string } {
  const match = /^(.+)\.([A-Za-z0-9]{1,5})$/.exec(name);
  return match ? { stem: match[1], extension: match[2] } : { stem: name, extension: '' };
}

function baseName(source: EntrySource): string {
  if (source.product) {
    const folder = safeSegment(source.product.handle ?? source.product.sku ?? source.product.title, 'product');
    const position = source.position === null ? 'photo' : String(source.position + 1);
    return `${folder}/${position}.${source.extension}`;
  }
  const { stem } = splitExtension(source.filename);
  return `${safeSegment(stem, 'photo')}.${source.extension}`;
}

/** Hands out unique entry names in the order photos are added. */
export class EntryNamer {
  private readonly taken = new Set<string>();

  constructor(reserved: readonly string[] = []) {
    for (const name of reserved) this.taken.add(name.toLowerCase());
  }

  name(source: EntrySource): string {
    const wanted = baseName(source);
    if (this.claim(wanted)) return wanted;
    const slash = wanted.lastIndexOf('/');
    const folder = wanted.slice(0, slash + 1);
    const { stem, extension } = splitExtension(wanted.slice(slash + 1));
    for (let copy = 2; ; copy += 1) {
      const candidate = `${folder}${stem} (${copy})${extension ? `.${extension}` : ''}`;
      if (this.claim(candidate)) return candidate;
    }
  }

  private claim(name: string): boolean {
    const key = name.toLowerCase();
    if (this.taken.has(key)) return false;
    this.taken.add(key);
    return true;
  }
}
