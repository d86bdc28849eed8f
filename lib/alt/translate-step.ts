import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { notTrashedSql } from '@/lib/filters';
import { altTexts, assets } from '@/db/schema';
import type { EventSubscriber } from '@/lib/events';
import { enqueueJob, JOB_PRIORITY, type Queryable, type Step } from '@/lib/jobs';
import { configuredLocales, isSourceLocale, sourceLocale, translatedLocales } from '@/lib/locales';
import { ensureRecords, failTranslation, markTranslationsStale, proposeTranslation, sourceHashOf } from './records';
import { nextAltAttemptAt } from './schedule';
import { configuredTranslateDeps, TRANSLATE_PROMPT_VERSION, translateAlt } from './translate';

/**
 * The translate job (one per asset and locale: its key is the locale). It translates the source locale's
 * approved text with a text-only call carrying the product's title and collection, gated in the target
 * language (lib/alt/translate.ts), and proposes the answer. The record is written only if the source text is
 * still the one translated (compared in the writing statement), so an answer to a text changed in flight is
 * dropped; the change itself queued the next translation. Where no approved source text stands, the locale
 * waits: approving it queues the job (translationSubscriber).
 */
export const translateStep: Step = async ({ db, asset, job, lease, signal }) => {
  const locale = job.key;
  // A locale removed from LOCALES since the job was queued: nothing to make (its records stay, hidden).
  if (!translatedLocales().includes(locale)) return { ok: true };
  if (asset.altStatus !== 'approved' || !asset.altText) return { ok: true };
  const deps = configuredTranslateDeps(db, job.priority > JOB_PRIORITY.interactive ? 'backfill' : 'interactive');
  // Parked until a provider is configured (resumeParked), like describe.
  if (!deps.provider) return { ok: true, again: null };
  const sourceHash = sourceHashOf(asset.altText);
  const result = await translateAlt(
    { text: asset.altText, from: sourceLocale(), to: locale, product: { title: asset.title ?? undefined, collection: asset.collection ?? undefined }, signal },
    deps,
  );
  const usage = { latencyMs: result.latencyMs ?? null, inputTokens: result.usage?.inputTokens ?? null, outputTokens: result.usage?.outputTokens ?? null };
  if (result.ok) {
    await db.transaction((tx) =>
      proposeTranslation(tx, { assetId: asset.id, locale, text: result.text, sourceHash, provider: deps.provider!.name, model: deps.provider!.model, promptVersion: TRANSLATE_PROMPT_VERSION, lease, priority: job.priority, usage }),
    );
    return { ok: true };
  }
  const [record] = await db.select({ attempts: altTexts.attempts }).from(altTexts).where(and(eq(altTexts.assetId, asset.id), eq(altTexts.locale, locale)));
  const nextAttemptAt = nextAltAttemptAt(result, (record?.attempts ?? 0) + 1);
  await db.transaction((tx) =>
    failTranslation(tx, { assetId: asset.id, locale, code: result.kind, message: result.message, nextAttemptAt, lease, rejectedText: result.rejected?.text ?? null, usage }),
  );
  return { ok: true, again: nextAttemptAt };
};

/**
 * Translation jobs for each asset whose source text is approved, one per other locale (or only `locale`), keyed
 * by the text's hash; `force` asks again for the same text (a person rejected the translation).
 */
export async function queueTranslations(tx: Queryable, assetIds: readonly string[], priority: number, options: { force?: boolean; locale?: string } = {}): Promise<void> {
  const force = options.force ?? false;
  const locales = translatedLocales().filter((locale) => !options.locale || locale === options.locale);
  if (!assetIds.length || !locales.length) return;
  const approved = await tx
    .select({ id: assets.id, altText: assets.altText })
    .from(assets)
    .where(and(inArray(assets.id, [...assetIds]), eq(assets.altStatus, 'approved'), ne(assets.altText, ''), notTrashedSql('assets')));
  for (const locale of locales) {
    await ensureRecords(tx, approved.map((asset) => asset.id), locale);
    for (const asset of approved) {
      await enqueueJob(tx, { assetId: asset.id, kind: 'translate', key: locale, priority, inputHash: sourceHashOf(asset.altText ?? ''), force });
    }
  }
}

/**
 * A change of the source locale's text makes the translations made from another text stale (back in the
 * queue), and an approved source text is translated into every other configured locale.
 */
export const translationSubscriber: EventSubscriber = {
  name: 'translations',
  types: ['alt_text.changed', 'alt_text.approved'],
  async onEvents(tx, events) {
    if (configuredLocales().length < 2) return;
    const source = events.filter((event) => isSourceLocale(String(event.data.locale ?? sourceLocale())));
    if (!source.length) return;
    const priority = Math.min(...source.map((event) => event.priority));
    const assetIds = [...new Set(source.map((event) => event.assetId))];
    await markTranslationsStale(tx, assetIds);
    await queueTranslations(tx, assetIds, priority);
  },
};
