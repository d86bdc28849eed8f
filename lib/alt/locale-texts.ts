import { and, eq, inArray } from 'drizzle-orm';
import { notTrashedSql } from '@/lib/filters';
import { z } from 'zod';
import type { Db } from '@/db/handle';
import { altTexts, assets } from '@/db/schema';
import { isUuid } from '@/lib/assets';
import { configuredLocales, isSourceLocale, resolveLocale, sourceLocale } from '@/lib/locales';
import type { Result } from '@/lib/result';
import { integer, MAX_DB_INTEGER, text } from '@/lib/text-input';
import { JOB_PRIORITY } from '@/lib/jobs';
import type { Editor } from './authorship';
import { editAsset } from './edit';
import { MAX_HUMAN_ALT_LENGTH } from './limits';
import { editLocaleText, recordView, type AltTextRecord } from './records';

/** Every configured locale's record of one asset; a locale with none yet is missing. Removed locales are not shown. */
export async function altTextsOf(db: Pick<Db, 'select'>, assetId: string, options: { withDetail?: boolean } = {}): Promise<Record<string, AltTextRecord>> {
  const locales = configuredLocales();
  const found = await db.select().from(altTexts).where(and(eq(altTexts.assetId, assetId), inArray(altTexts.locale, [...locales])));
  const byLocale = new Map(found.map((row) => [row.locale, recordView(row, options)]));
  // The source locale's text is guarded by the asset's version (tags and bulk edits move it too): the one to send back.
  const [asset] = await db.select({ version: assets.version }).from(assets).where(eq(assets.id, assetId));
  if (asset) byLocale.set(sourceLocale(), { ...(byLocale.get(sourceLocale()) ?? missingRecord(sourceLocale())), version: asset.version });
  return Object.fromEntries(locales.map((locale) => [locale, byLocale.get(locale) ?? missingRecord(locale)]));
}

function missingRecord(locale: string): AltTextRecord {
  return { locale, text: null, status: 'missing', source: null, author: null, model: null, promptVersion: null, stale: false, version: 0, failure: null, attempts: 0, nextAttemptAt: null, updatedAt: new Date(0).toISOString() };
}

/** PATCH /api/assets/{id}/alt/{locale}: one locale's text, decorative, or cleared, with the version it was edited from. */
export const localeAltBody = z
  .object({
    text: text().trim().min(1, 'alt text cannot be empty: send decorative: true instead').max(MAX_HUMAN_ALT_LENGTH).nullable().optional(),
    decorative: z.literal(true).optional(),
    /** The record's version as read (0 for a locale not written yet). */
    version: integer(0, MAX_DB_INTEGER),
  })
  .strict()
  .refine((body) => (body.text !== undefined) !== (body.decorative !== undefined), { message: 'send either text (null clears it) or decorative: true' });

export type LocaleAltBody = z.output<typeof localeAltBody>;

export type PatchLocaleResult = Result<
  { record: AltTextRecord },
  { kind: 'not_found' } | { kind: 'unknown_locale'; message: string } | { kind: 'version_conflict'; message: string; current: AltTextRecord }
>;

/**
 * One locale's alt text set by a person (approved) or a token (proposed). The source locale is the asset's own
 * text, so its edit is the asset's edit (lib/alt/edit.ts, which keeps the record in step); every other locale is
 * its record's. A stale version is a conflict carrying the record as it is now.
 */
export async function patchLocaleAlt(db: Db, assetId: string, rawLocale: string, body: LocaleAltBody, editor: Editor): Promise<PatchLocaleResult> {
  const resolved = resolveLocale(rawLocale);
  if (!resolved.ok) return { ok: false, kind: 'unknown_locale', message: resolved.message };
  if (!isUuid(assetId)) return { ok: false, kind: 'not_found' };
  const { locale } = resolved;
  const [asset] = await db.select({ id: assets.id }).from(assets).where(and(eq(assets.id, assetId), notTrashedSql('assets')));
  if (!asset) return { ok: false, kind: 'not_found' };
  let written: boolean;
  if (isSourceLocale(locale)) {
    const edited = await editAsset(db, assetId, body.decorative ? { decorative: true, version: body.version } : { altText: body.text ?? null, version: body.version }, editor);
    if (!edited.ok && edited.kind === 'not_found') return edited;
    written = edited.ok;
  } else {
    written = (await db.transaction((tx) => editLocaleText(tx, { assetId, locale, text: body.decorative ? '' : (body.text ?? null), decorative: body.decorative === true, version: body.version, editor, priority: JOB_PRIORITY.interactive }))) !== null;
  }
  const record = (await altTextsOf(db, assetId))[locale];
  if (written) return { ok: true, record };
  const text = record.text === null ? 'no alt text' : record.text === '' ? 'decorative (empty alt text)' : `"${record.text}"`;
  return {
    ok: false,
    kind: 'version_conflict',
    message: `The ${locale} alt text changed since you loaded it (you sent version ${body.version}; it is now ${record.version}). It is now ${text}. Reload, then apply your edit again.`,
    current: record,
  };
}
