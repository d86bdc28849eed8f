import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/handle';
import { PRESET_FITS, PRESET_FORMATS, PRESET_METADATA, presets, type PresetFit, type PresetFormat, type PresetMetadata, type PresetRow } from '@/db/schema';
import type { Failure, Result } from '@/lib/result';
import { integer, integerFromString, MAX_DB_INTEGER, text } from '@/lib/text-input';

export { PRESET_FITS, PRESET_FORMATS, PRESET_METADATA };

/** What a preset makes: the frame, how the photo goes into it, and the file it is written as. */
export interface PresetSpec {
  width: number;
  height: number;
  /** cover: fill the frame, cropping what sticks out; contain: the whole photo, padded with `background`; inside: the whole photo, no larger than the frame, no padding. */
  fit: PresetFit;
  /** `#RRGGBB`, or `transparent` (keeps the photo's own transparency; not for JPEG). */
  background: string;
  format: PresetFormat;
  /** 1–100, for JPEG, WebP and AVIF; PNG is lossless and ignores it. */
  quality: number;
  metadata: PresetMetadata;
  /** Trim the border of `background` colour first, then place the product at TRIM_FILL of the frame. */
  trim: boolean;
}

export interface Preset extends PresetSpec {
  name: string;
  label: string;
  builtIn: boolean;
}

/** The share of the frame's width and height a trimmed product fills: Amazon asks the product to fill at least 85%. */
export const TRIM_FILL = 0.85;

/**
 * The largest side a preset may ask for. Renditions are encoded in memory, and 6000 px covers print at 20 inches
 * at 300 dpi; every channel Loupe knows asks for far less.
 */
export const MAX_PRESET_SIDE = 6000;

/**
 * Bumped when the way renditions are made changes (sharp options, the trim rule), so every preset's hash
 * changes and old files are made again rather than served.
 */
const RENDERER_VERSION = 1;

export const BUILT_IN_PRESETS: readonly Preset[] = [
  { name: 'shopify-square', label: 'Shopify square 2048', width: 2048, height: 2048, fit: 'contain', background: '#FFFFFF', format: 'jpeg', quality: 85, metadata: 'strip', trim: false, builtIn: true },
  { name: 'amazon-main', label: 'Amazon main image 2000, product at 85% on white', width: 2000, height: 2000, fit: 'contain', background: '#FFFFFF', format: 'jpeg', quality: 90, metadata: 'strip', trim: true, builtIn: true },
  { name: 'google-merchant', label: 'Google Merchant Center 1500 square', width: 1500, height: 1500, fit: 'contain', background: '#FFFFFF', format: 'jpeg', quality: 85, metadata: 'strip', trim: false, builtIn: true },
  { name: 'instagram-portrait', label: 'Instagram portrait 1080 × 1350', width: 1080, height: 1350, fit: 'cover', background: '#FFFFFF', format: 'jpeg', quality: 85, metadata: 'strip', trim: false, builtIn: true },
  { name: 'web-1200-webp', label: 'Web 1200 WebP', width: 1200, height: 1200, fit: 'inside', background: 'transparent', format: 'webp', quality: 80, metadata: 'strip', trim: false, builtIn: true },
  { name: 'web-1200-avif', label: 'Web 1200 AVIF', width: 1200, height: 1200, fit: 'inside', background: 'transparent', format: 'avif', quality: 60, metadata: 'strip', trim: false, builtIn: true },
];

export const PRESET_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;

/**
 * What POST /api/presets takes. Size and format are only bounded here (so a hostile number is still a clean
 * 422): definePreset checks them with their own codes, `preset_too_large` and `unknown_format`.
 */
export const presetInput = z.object({
  name: text().trim().regex(PRESET_NAME_PATTERN, 'use 1–48 lowercase letters, digits and hyphens, starting with a letter or digit'),
  label: text().trim().max(120).optional(),
  width: integer(1, MAX_DB_INTEGER),
  height: integer(1, MAX_DB_INTEGER),
  fit: z.enum(PRESET_FITS, { error: 'use cover, contain or inside' }).default('contain'),
  background: text().trim().max(32).default('#FFFFFF'),
  format: text().trim().toLowerCase().max(32),
  quality: integer(1, 100).default(85),
  metadata: z.enum(PRESET_METADATA, { error: 'use strip or icc' }).default('strip'),
  trim: z.boolean().default(false),
});
export type PresetInput = z.output<typeof presetInput>;

/** The same from the admin page's form: numbers arrive as text, the trim box as `on` when ticked. */
export const presetForm = presetInput.extend({
  width: integerFromString(1, MAX_DB_INTEGER),
  height: integerFromString(1, MAX_DB_INTEGER),
  quality: integerFromString(1, 100).default(85),
  trim: z
    .literal('on', { error: 'trim is a checkbox: on, or absent' })
    .optional()
    .transform((value) => value === 'on'),
});

export type PresetFailure = Failure<{
  code: 'preset_too_large' | 'unknown_format' | 'invalid_preset' | 'preset_reserved' | 'preset_not_found';
  message: string;
}>;

const BACKGROUND_PATTERN = /^#[0-9A-Fa-f]{6}$/;

/** The checks a preset's spec must pass, each with its own code and a message saying what to send instead. */
export function checkPresetSpec(input: PresetInput): Result<{ spec: PresetSpec }, PresetFailure> {
  if (input.width > MAX_PRESET_SIDE || input.height > MAX_PRESET_SIDE) {
    return {
      ok: false,
      code: 'preset_too_large',
      message: `A preset of ${input.width} × ${input.height} px is larger than the ${MAX_PRESET_SIDE} px a side renditions may have; ask for ${MAX_PRESET_SIDE} px or less on each side.`,
    };
  }
  if (!(PRESET_FORMATS as readonly string[]).includes(input.format)) {
    return { ok: false, code: 'unknown_format', message: `"${input.format}" is not a format renditions are made in; use jpeg, png, webp or avif.` };
  }
  const format = input.format as PresetFormat;
  const background = input.background === 'transparent' ? 'transparent' : input.background.toUpperCase();
  if (background !== 'transparent' && !BACKGROUND_PATTERN.test(background)) {
    return { ok: false, code: 'invalid_preset', message: `background: "${input.background}" is not a colour; send #RRGGBB (e.g. #FFFFFF) or transparent.` };
  }
  if (background === 'transparent' && format === 'jpeg') {
    return { ok: false, code: 'invalid_preset', message: 'background: JPEG has no transparency; send a colour such as #FFFFFF, or choose png, webp or avif.' };
  }
  if (input.trim && (input.fit !== 'contain' || background === 'transparent')) {
    return { ok: false, code: 'invalid_preset', message: 'trim: trimming places the product on the background colour, so it needs fit contain and a #RRGGBB background.' };
  }
  return {
    ok: true,
    spec: { width: input.width, height: input.height, fit: input.fit, background, format, quality: input.quality, metadata: input.metadata, trim: input.trim },
  };
}

/** A short digest of everything that changes the file: renditions are keyed by it, so a changed preset makes new ones. */
export function presetHash(spec: PresetSpec): string {
  const canonical = [RENDERER_VERSION, spec.width, spec.height, spec.fit, spec.background, spec.format, spec.quality, spec.metadata, spec.trim];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 24);
}

function fromRow(row: PresetRow): Preset {
  return {
    name: row.name,
    label: row.label || row.name,
    builtIn: false,
    width: row.width,
    height: row.height,
    fit: row.fit,
    background: row.background,
    format: row.format,
    quality: row.quality,
    metadata: row.metadata,
    trim: row.trim,
  };
}

export function builtInPreset(name: string): Preset | null {
  return BUILT_IN_PRESETS.find((preset) => preset.name === name) ?? null;
}

/** A preset by name: built-in first (their names cannot be taken), then the admins' own. */
export async function findPreset(db: Db, name: string): Promise<Preset | null> {
  const builtIn = builtInPreset(name);
  if (builtIn) return builtIn;
  const [row] = await db.select().from(presets).where(eq(presets.name, name)).limit(1);
  return row ? fromRow(row) : null;
}

/** Every preset: the built-in ones, then the admins' own by name. */
export async function listPresets(db: Db): Promise<Preset[]> {
  const rows = await db.select().from(presets).orderBy(asc(presets.name));
  return [...BUILT_IN_PRESETS, ...rows.map(fromRow)];
}

export function unknownPreset(name: string): Failure<{ code: 'preset_not_found'; message: string }> {
  return { ok: false, code: 'preset_not_found', message: `There is no preset named "${name}"; GET /api/presets lists them.` };
}
