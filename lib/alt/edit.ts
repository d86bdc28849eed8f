import { eq, sql, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { altHistory, assets, type Asset } from '@/db/schema';
import type { Result } from '@/lib/result';
import { integer, MAX_DB_INTEGER, text } from '@/lib/text-input';
import { catalogueColumns, catalogueFields, hasCatalogueEdit, MAX_TAGS } from '@/lib/catalogue';
import { recordEvents, type EventType } from '@/lib/events';
import { JOB_PRIORITY } from '@/lib/jobs';
import { statusOfWrittenText, type Editor } from './authorship';
import { MAX_HUMAN_ALT_LENGTH } from './limits';

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

type AssetUpdate = PgUpdateSetSource<typeof assets>;

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
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(assets)
      .set({ ...(alt ?? {}), ...(tags ? { tags } : {}), ...catalogueColumns(edit), version: sql`${assets.version} + 1`, updatedAt: sql`now()` })
      // A trashed asset is out of the library: nobody edits it until it is restored.
      .where(sql`${assets.id} = ${assetId} and ${assets.version} = ${edit.version} and ${assets.deletedAt} is null`)
      .returning();
    if (!updated) {
      const [current] = await tx.select().from(assets).where(eq(assets.id, assetId));
      return current && !current.deletedAt ? { ok: false, kind: 'version_conflict', current } : { ok: false, kind: 'not_found' };
    }
    const tagsChanged = tags !== undefined;
    const catalogueChanged = hasCatalogueEdit(edit);
    // A person's text is approved text (an edit approves it); a token's is a proposal; clearing it or un-marking decorative only changes it.
    const altEvents: EventType[] = alt ? (updated.altStatus === 'approved' ? ['alt_text.changed', 'alt_text.approved'] : ['alt_text.changed']) : [];
    const types: EventType[] = [...(tagsChanged || catalogueChanged ? (['asset.updated'] as const) : []), ...altEvents];
    // A person is looking at this photo: what the change causes (re-embedding) goes ahead of background work.
    await recordEvents(tx, types, [assetId], { priority: JOB_PRIORITY.interactive });
    if (alt) {
      await tx.insert(altHistory).values({
        assetId,
        event: updated.altStatus === 'decorative' ? 'decorative' : 'human_edit',
        text: updated.altText,
        source: updated.altSource,
        userId: editor.userId,
        outcome: 'written',
        message: edit.decorative === true ? 'marked decorative' : updated.altText === null ? 'cleared' : null,
      });
    }
    return { ok: true, asset: updated, altChanged: alt !== null, tagsChanged, catalogueChanged };
  });
}
