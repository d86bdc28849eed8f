import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from '@/db/client';
import { altHistory, assets } from '@/db/schema';
import { statusOfWrittenText, type Editor } from '@/lib/alt';
import { recordEvents } from '@/lib/events';
import type { ImportPlan, RowChange, SkippedRow } from './import-plan';

/**
 * Applies a previewed plan, one transaction per chunk of rows. Each row's update is conditional on the fields it
 * changes still holding the values the preview showed, so a field someone edited since is reported, not
 * overwritten. Imported alt text is hand-written text (source `human`): approved when a person imports it, a
 * proposal when an API token does (statusOfWrittenText), recorded in the history as an import by the importer.
 * Changed alt text or tags queue embed jobs in the same transaction, at backfill priority: the sweeper
 * re-embeds them without holding up uploads.
 */

export const APPLY_CHUNK_ROWS = 500;

export type Importer = Editor;

export interface ImportOutcome {
  applied: number;
  conflicts: SkippedRow[];
}

type AssetUpdate = PgUpdateSetSource<typeof assets>;

/** Each changed field still holds the value the preview showed it replacing. */
function unchangedSincePreview(change: RowChange): SQL | undefined {
  const { changes } = change;
  const column = { sku: assets.sku, title: assets.title, collection: assets.collection, altText: assets.altText, handle: assets.handle, imageSrc: assets.imageSrc } as const;
  const guards = (Object.keys(column) as Array<keyof typeof column>).flatMap((field) => {
    const previewed = changes[field];
    return previewed ? [sql`${column[field]} is not distinct from ${previewed.from}`] : [];
  });
  if (changes.tags) guards.push(sql`array_to_string(${assets.tags}, ', ') = ${changes.tags.from ?? ''}`);
  return and(eq(assets.id, change.assetId), ...guards);
}

function columnsFor(change: RowChange, importer: Importer): AssetUpdate {
  const { changes } = change;
  const set: AssetUpdate = { version: sql`${assets.version} + 1`, updatedAt: sql`now()` };
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

export async function applyImport(db: Db, plan: ImportPlan, importer: Importer): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { applied: 0, conflicts: [] };
  for (let start = 0; start < plan.changes.length; start += APPLY_CHUNK_ROWS) {
    const chunk = plan.changes.slice(start, start + APPLY_CHUNK_ROWS);
    const done = await db.transaction(async (tx) => {
      const applied: string[] = [];
      const altImported: string[] = [];
      const catalogueImported: string[] = [];
      const conflicts: SkippedRow[] = [];
      for (const change of chunk) {
        const [updated] = await tx
          .update(assets)
          .set(columnsFor(change, importer))
          .where(unchangedSincePreview(change))
          .returning({ id: assets.id });
        if (!updated) {
          conflicts.push({ row: change.row, key: change.filename, reason: 'changed_since_preview', message: `"${change.filename}" was edited or deleted after the preview, so this row was not applied. Preview the file again.` });
          continue;
        }
        applied.push(change.assetId);
        if (Object.entries(change.changes).some(([field, value]) => field !== 'altText' && value)) catalogueImported.push(change.assetId);
        if (change.changes.altText) {
          altImported.push(change.assetId);
          await tx.insert(altHistory).values({ assetId: change.assetId, event: 'imported', text: change.changes.altText.to, source: 'human', userId: importer.userId, outcome: 'written', message: `imported from a CSV file (row ${change.row})` });
        }
      }
      await recordEvents(tx, 'asset.updated', catalogueImported);
      // As an edit: a person's text is approved as it stands, a token's waits for a person.
      await recordEvents(tx, statusOfWrittenText(importer) === 'approved' ? ['alt_text.changed', 'alt_text.approved'] : ['alt_text.changed'], altImported);
      return { applied, conflicts };
    });
    outcome.applied += done.applied.length;
    outcome.conflicts.push(...done.conflicts);
  }
  return outcome;
}
