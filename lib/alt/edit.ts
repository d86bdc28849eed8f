import { eq, sql, type SQL } from 'drizzle-orm';
import { notTrashedSql } from '@/lib/filters';
import type { AssetUpdate } from './write';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { assets, type Asset } from '@/db/schema';
import type { Result } from '@/lib/result';
import { integer, MAX_DB_INTEGER, text } from '@/lib/text-input';
import { catalogueColumns, catalogueFields, hasCatalogueEdit, MAX_TAGS } from '@/lib/catalogue';
import { JOB_PRIORITY } from '@/lib/jobs';
import { statusOfWrittenText, type Editor } from './authorship';
import { MAX_HUMAN_ALT_LENGTH } from './limits';
import { altEvents, writeAlt } from './write';

/**
 * People's edits to an asset's alt text, tags, decorative flag and catalogue fields (title, SKU, collection) (PATCH /api/assets/:id and the asset page).
 * The result is source `human`, which the model never overwrites. Every edit carries the version it started
 * from; the check and the write are one UPDATE, so of two concurrent edits exactly one wins and the other is
 * told what the text is now.
 */


export const assetEditBody = z
  .object({
    /** null clears the text (and a person's claim on it), so the model may write one again. */
    altText: text()
      .trim()
      .min(1, 'alt text cannot be empty: mark the image decorative instead')
      .max(MAX_HUMAN_ALT_LENGTH)
      .nullable()
      .optional(),
    tags: z.array(text().trim().min(1).max(64)).max(MAX_TAGS).optional(),
    decorative: z.boolean().optional(),
    ...catalogueFields,
    version: integer(1, MAX_DB_INTEGER),
  })
  .strict()
  .refine((edit) => edit.altText !== undefined || edit.tags !== undefined || edit.decorative !== undefined || hasCatalogueEdit(edit), {
    message: 'send at least one of altText, tags, decorative, title, sku or collection',
  })
  .refine((edit) => !(edit.decorative === true && typeof edit.altText === 'string'), {
    message: 'a decorative image has an empty alt text: send decorative: true without altText',
    path: ['altText'],
  });

export type AssetEdit = z.output<typeof assetEditBody>;

export type EditResult = Result<
  { asset: Asset; altChanged: boolean; tagsChanged: boolean; catalogueChanged: boolean },
  { kind: 'not_found' } | { kind: 'version_conflict'; current: Asset }
>;


/** What the edit does to the alt-text columns, or null when it leaves them alone. */
function altColumns(edit: AssetEdit, editor: Editor): AssetUpdate | null {
  const byPerson: AssetUpdate = { altSource: 'human', altAuthor: editor.name, altModel: null, altPromptVersion: null, altUpdatedAt: sql`now()`, altLastError: null, altNextAttemptAt: null };
  if (edit.decorative === true) return { ...byPerson, decorative: true, altText: '', altStatus: 'decorative' };
  if (typeof edit.altText === 'string') return { ...byPerson, decorative: false, altText: edit.altText, altStatus: statusOfWrittenText(editor) };
  const cleared: AssetUpdate = { altText: null, altSource: null, altStatus: 'none', altAuthor: null, altModel: null, altPromptVersion: null, altUpdatedAt: sql`now()`, altNextAttemptAt: sql`now()` };
  if (edit.altText === null) return { ...cleared, decorative: edit.decorative ?? false };
  if (edit.decorative === false) {
    // Un-marking decorative clears the empty text it implied (so the model may describe the image); any other text stays.
    const whenDecorative = (value: SQL | string | null, column: unknown): SQL => sql`case when ${assets.altStatus} = 'decorative' then ${value} else ${column} end`;
    return {
      decorative: false,
      altText: whenDecorative(null, assets.altText),
      altSource: whenDecorative(null, assets.altSource),
      altStatus: whenDecorative('none', assets.altStatus),
      altAuthor: whenDecorative(null, assets.altAuthor),
      altNextAttemptAt: whenDecorative(sql`now()`, assets.altNextAttemptAt),
    };
  }
  return null;
}

export async function editAsset(db: Db, assetId: string, edit: AssetEdit, editor: Editor): Promise<EditResult> {
  const alt = altColumns(edit, editor);
  const tags = edit.tags === undefined ? undefined : [...new Set(edit.tags)];
  const tagsChanged = tags !== undefined;
  const catalogueChanged = hasCatalogueEdit(edit);
  return db.transaction(async (tx) => {
    const updated = await writeAlt(tx, {
      assetId,
      set: { ...(alt ?? {}), ...(tags ? { tags } : {}), ...catalogueColumns(edit) },
      // A trashed asset is out of the library: nobody edits it until it is restored.
      when: sql`${assets.version} = ${edit.version} and ${notTrashedSql('assets')}`,
      history: (row) =>
        alt
          ? [
              {
                event: row.altStatus === 'decorative' ? 'decorative' : 'human_edit',
                text: row.altText,
                source: row.altSource,
                userId: editor.userId,
                outcome: 'written',
                message: edit.decorative === true ? 'marked decorative' : row.altText === null ? 'cleared' : null,
              },
            ]
          : [],
      // A person's text is approved text (an edit approves it); a token's is a proposal; clearing it or un-marking decorative only changes it.
      events: (row) => [...(tagsChanged || catalogueChanged ? (['asset.updated'] as const) : []), ...(alt ? altEvents(row) : [])],
      // A person is looking at this photo: what the change causes (re-embedding) goes ahead of background work.
      priority: JOB_PRIORITY.interactive,
    });
    if (!updated) {
      const [current] = await tx.select().from(assets).where(eq(assets.id, assetId));
      return current && !current.deletedAt ? { ok: false, kind: 'version_conflict', current } : { ok: false, kind: 'not_found' };
    }
    return { ok: true, asset: updated, altChanged: alt !== null, tagsChanged, catalogueChanged };
  });
}
