import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { presets, renditions } from '@/db/schema';
import type { Result } from '@/lib/result';
import { dropRenditions } from './stored-keys';
import { builtInPreset, checkPresetSpec, findPreset, presetHash, unknownPreset, type Preset, type PresetFailure, type PresetInput } from './presets';

/**
 * Creates an admin's preset, or replaces the one of that name. Replacing changes its hash, so every photo's
 * next request makes a new file; the old files are deleted now rather than left behind.
 */
export async function definePreset(db: Db, input: PresetInput, createdBy: string | null): Promise<Result<{ preset: Preset; created: boolean }, PresetFailure>> {
  if (builtInPreset(input.name)) {
    return { ok: false, code: 'preset_reserved', message: `"${input.name}" is a built-in preset; choose another name for your own.` };
  }
  const checked = checkPresetSpec(input);
  if (!checked.ok) return checked;
  const values = { ...checked.spec, label: input.label ?? '' };
  const [row] = await db
    .insert(presets)
    .values({ name: input.name, ...values, createdBy })
    .onConflictDoUpdate({ target: presets.name, set: { ...values, updatedAt: sql`now()` } })
    .returning({ name: presets.name, created: sql<boolean>`xmax = 0` });
  const preset = await findPreset(db, row.name);
  if (!preset) throw new Error(`preset ${row.name} vanished after it was written`);
  await dropRenditions(db, and(eq(renditions.preset, preset.name), ne(renditions.presetHash, presetHash(preset))));
  return { ok: true, preset, created: row.created };
}

/** Deletes an admin's preset and every file made with it. Built-in presets stay. */
export async function deletePreset(db: Db, name: string): Promise<Result<{ name: string }, PresetFailure>> {
  if (builtInPreset(name)) return { ok: false, code: 'preset_reserved', message: `"${name}" is a built-in preset and cannot be deleted.` };
  const [row] = await db.delete(presets).where(eq(presets.name, name)).returning({ name: presets.name });
  if (!row) return unknownPreset(name);
  await dropRenditions(db, eq(renditions.preset, name));
  return { ok: true, name };
}
