import { and, eq, sql, TransactionRollbackError, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { assets, products } from '@/db/schema';
import { altEvents, importLocaleText, statusOfWrittenText, writeAlt, type AssetUpdate, type Editor } from '@/lib/alt';
import type { GroupBy, ImportPlan, ProductGroup, RowChange, SkippedRow } from './import-plan';

/**
 * Applies a previewed plan, one transaction per chunk of rows. Each row's update is conditional on the fields it
 * changes still holding the values the preview showed, so a field someone edited since is reported, not
 * overwritten. Imported alt text is hand-written text (source `human`): approved when a person imports it, a
 * proposal when an API token does (statusOfWrittenText), recorded in the history as an import by the importer.
 * Each row is one write through lib/alt's writeAlt, with its history and events: changed alt text or tags are
 * re-embedded by the events' subscriber, at backfill priority, without holding up uploads.
 */

export const APPLY_CHUNK_ROWS = 500;

export type Importer = Editor;

export interface ImportOutcome {
  applied: number;
  conflicts: SkippedRow[];
}

/** Each changed field still holds the value the preview showed it replacing. */
function unchangedSincePreview(change: RowChange): SQL | undefined {
  const { changes } = change;
  const column = { sku: assets.sku, title: assets.title, collection: assets.collection, altText: assets.altText, handle: assets.handle, imageSrc: assets.imageSrc } as const;
  const guards = (Object.keys(column) as Array<keyof typeof column>).flatMap((field) => {
    const previewed = changes[field];
    return previewed ? [sql`${column[field]} is not distinct from ${previewed.from}`] : [];
  });
  if (changes.tags) guards.push(sql`array_to_string(${assets.tags}, ', ') = ${changes.tags.from ?? ''}`);
  if (change.product) {
    guards.push(sql`${assets.productId} is not distinct from ${change.product.fromProductId}`);
    guards.push(sql`${assets.productPosition} is not distinct from ${change.product.fromPosition}`);
  }
  return and(eq(assets.id, change.assetId), ...guards);
}

function columnsFor(change: RowChange, importer: Importer, productIds: Map<string, string>): AssetUpdate {
  const { changes } = change;
  const set: AssetUpdate = {};
  if (change.product) {
    set.productId = productIds.get(change.product.key);
    set.productPosition = change.product.position;
  }
  if (changes.sku) set.sku = changes.sku.to;
  if (changes.title) set.title = changes.title.to;
  if (changes.collection) set.collection = changes.collection.to;
  if (changes.handle) set.handle = changes.handle.to;
  if (changes.imageSrc) set.imageSrc = changes.imageSrc.to;
  if (changes.tags) set.tags = changes.tags.to.split(', ');
  if (changes.altText) {
    Object.assign(set, {
      altText: changes.altText.to,
      altSource: 'human',
      altStatus: statusOfWrittenText(importer),
      altAuthor: `${importer.name} (CSV import)`,
      altModel: null,
      altPromptVersion: null,
      altUpdatedAt: sql`now()`,
      altLastError: null,
      altNextAttemptAt: null,
      decorative: false,
    } satisfies AssetUpdate);
  }
  return set;
}

/**
 * The plan's products, found again or made, in one transaction before any row: a group spans chunks. A lock per
 * key makes two imports of the same handle at once share one product rather than make two.
 */
async function productsFor(db: Db, groupBy: GroupBy, groups: readonly ProductGroup[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (groupBy === 'none' || groups.length === 0) return ids;
  const column = groupBy === 'handle' ? products.handle : products.sku;
  await db.transaction(async (tx) => {
    for (const group of groups) {
      const key = group.key.toLowerCase();
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`loupe:product:${groupBy}:${key}`}))`);
      const [existing] = await tx
        .select({ id: products.id })
        .from(products)
        .where(sql`${products.connectionId} is null and lower(${column}) = ${key}`)
        .orderBy(products.createdAt, products.id)
        .limit(1);
      const id =
        existing?.id ??
        (await tx.insert(products).values({ title: group.title, collection: group.collection, [groupBy]: group.key }).returning({ id: products.id }))[0].id;
      ids.set(key, id);
    }
  });
  return ids;
}

export async function applyImport(db: Db, plan: ImportPlan, importer: Importer): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { applied: 0, conflicts: [] };
  // Only products a row joins are made: a group whose photos are all in place already needs nothing.
  const joined = new Set(plan.changes.flatMap((change) => (change.product ? [change.product.key] : [])));
  const productIds = await productsFor(db, plan.groupBy, plan.products.filter((group) => joined.has(group.key.toLowerCase())));
  for (let start = 0; start < plan.changes.length; start += APPLY_CHUNK_ROWS) {
    const chunk = plan.changes.slice(start, start + APPLY_CHUNK_ROWS);
    const done = await db.transaction(async (tx) => {
      const applied: string[] = [];
      const conflicts: SkippedRow[] = [];
      for (const change of chunk) {
        const altText = change.changes.altText;
        // `altText:fr` and the like are other locales' records, written beside the asset's own columns.
        const localeTexts = Object.entries(change.changes).flatMap(([field, value]) => (field.startsWith('altText:') && value ? [{ locale: field.slice('altText:'.length), ...value }] : []));
        const assetChanged = change.product !== undefined || Object.entries(change.changes).some(([field, value]) => !field.startsWith('altText:') && value);
        const catalogueChanged = change.product !== undefined || Object.entries(change.changes).some(([field, value]) => field !== 'altText' && !field.startsWith('altText:') && value);
        // One savepoint per row: a row whose asset or any locale changed since the preview writes nothing at all.
        const updated = await tx
          .transaction(async (row) => {
            const asset = assetChanged
              ? await writeAlt(row, {
                  assetId: change.assetId,
                  set: columnsFor(change, importer, productIds),
                  when: unchangedSincePreview(change),
                  history: () => (altText ? [{ event: 'imported', text: altText.to, source: 'human', userId: importer.userId, outcome: 'written', message: `imported from a CSV file (row ${change.row})` }] : []),
                  // As an edit: a person's text is approved as it stands, a token's waits for a person.
                  events: (written) => [...(catalogueChanged ? (['asset.updated'] as const) : []), ...(altText ? altEvents(written) : [])],
                })
              : true;
            for (const locale of localeTexts) {
              if (!asset) break;
              const written = await importLocaleText(row, { assetId: change.assetId, locale: locale.locale, text: locale.to, from: locale.from, importer, row: change.row });
              // Undoes the row's savepoint (drizzle's rollback throws TransactionRollbackError, caught below).
              if (!written) row.rollback();
            }
            return asset !== null;
          })
          .catch((error: unknown) => {
            if (error instanceof TransactionRollbackError) return false;
            throw error;
          });
        if (!updated) {
          conflicts.push({ row: change.row, key: change.filename, reason: 'changed_since_preview', message: `"${change.filename}" was edited or deleted after the preview, so this row was not applied. Preview the file again.` });
          continue;
        }
        applied.push(change.assetId);
      }
      return { applied, conflicts };
    });
    outcome.applied += done.applied.length;
    outcome.conflicts.push(...done.conflicts);
  }
  return outcome;
}
