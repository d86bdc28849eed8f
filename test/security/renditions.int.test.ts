import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GET as getRendition } from '@/app/api/assets/[id]/renditions/[preset]/route';
import { DELETE as deletePreset } from '@/app/api/presets/[name]/route';
import { POST as createPreset } from '@/app/api/presets/route';
import { moveToTrash } from '@/lib/library';
import { isValidKey, newRenditionKey } from '@/lib/storage';
import { call, makeAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { storeDerivedAsset } from '@/test/renditions';

/** Issue 22's routes against guessed, deleted and hostile ids, names and keys. */
describe('renditions and presets, attacked', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();

  it('answers 404 not_found for a deleted, never-existing, malformed or injected asset id, whatever the preset', async () => {
    const viewer = await makeAccount(database().db, 'viewer');
    const asset = await storeDerivedAsset(database().db, files().storage, await sharp({ create: { width: 80, height: 80, channels: 3, background: '#123456' } }).png().toBuffer());
    await moveToTrash(database().db, [asset.id], 'Tess');
    for (const id of [asset.id, crypto.randomUUID(), 'not-a-uuid', "1' OR '1'='1"]) {
      const answer = await call(getRendition, { bearer: viewer.token, params: { id, preset: 'amazon-main' } });
      expect(answer.status, id).toBe(404);
      expect((await answer.json()).error.code, id).toBe('not_found');
    }
  });

  it('answers 404 preset_not_found for traversal and injection in a preset name, touching nothing', async () => {
    const admin = await makeAccount(database().db, 'admin');
    for (const name of ['../presets', "x' OR '1'='1", '%00', 'AMAZON-MAIN']) {
      const answer = await call(deletePreset, { method: 'DELETE', bearer: admin.token, params: { name } });
      expect(answer.status, name).toBe(404);
      expect((await answer.json()).error.code, name).toBe('preset_not_found');
    }
  });

  it('refuses to create a preset whose name is not a plain slug (422 naming the field)', async () => {
    const admin = await makeAccount(database().db, 'admin');
    for (const name of ['../x', 'a/b', '<script>', 'x'.repeat(49)]) {
      const answer = await call(createPreset, { method: 'POST', bearer: admin.token, body: { name, width: 100, height: 100, format: 'png' } });
      expect(answer.status, name).toBe(422);
      expect((await answer.json()).error.message, name).toMatch(/^Invalid body: name: /);
    }
  });

  it('keeps rendition keys random and refuses traversal in their shape', () => {
    expect(isValidKey(newRenditionKey())).toBe(true);
    for (const key of ['r/../../etc/passwd', 'r/', 'r/AAAAAAAAAAAAAAAAAAAAAAAA/x', 'r/short']) expect(isValidKey(key), key).toBe(false);
  });
});
