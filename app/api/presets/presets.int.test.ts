import { beforeAll, describe, expect, it } from 'vitest';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { DELETE } from './[name]/route';
import { GET, POST } from './route';

describe('/api/presets', () => {
  const database = useTestDatabase();
  useTemporaryLocalStorage();
  let admin: TestAccount;
  let viewer: TestAccount;

  beforeAll(async () => {
    admin = await makeAccount(database().db, 'admin');
    viewer = await makeAccount(database().db, 'viewer');
  });

  const create = (body: Record<string, unknown>) => call(POST, { method: 'POST', bearer: admin.token, path: '/api/presets', body });
  const remove = (name: string) => call(DELETE, { method: 'DELETE', bearer: admin.token, path: `/api/presets/${name}`, params: { name } });
  const errorOf = async (answer: Response) => ({ status: answer.status, ...(await answer.json()).error });

  it('lists the built-in presets to anyone signed in', async () => {
    const answer = await call(GET, { bearer: viewer.token, path: '/api/presets' });
    const { presets } = await answer.json();
    expect(presets.map((preset: { name: string }) => preset.name)).toEqual(['shopify-square', 'amazon-main', 'google-merchant', 'instagram-portrait', 'web-1200-webp', 'web-1200-avif']);
    expect(presets[1]).toMatchObject({ width: 2000, height: 2000, background: '#FFFFFF', format: 'jpeg', trim: true, builtIn: true });
  });

  it('creates a preset (201), lists it after the built-in ones, and replaces it by name (200)', async () => {
    const created = await create({ name: 'lookbook', label: 'Lookbook 1600', width: 1600, height: 2000, fit: 'cover', format: 'webp', quality: 75, background: '#f0f0f0' });
    expect(created.status).toBe(201);
    expect((await created.json()).preset).toEqual({
      name: 'lookbook',
      label: 'Lookbook 1600',
      builtIn: false,
      width: 1600,
      height: 2000,
      fit: 'cover',
      background: '#F0F0F0',
      format: 'webp',
      quality: 75,
      metadata: 'strip',
      trim: false,
    });
    const replaced = await create({ name: 'lookbook', width: 1200, height: 1500, format: 'avif' });
    expect(replaced.status).toBe(200);
    expect((await replaced.json()).preset).toMatchObject({ name: 'lookbook', label: 'lookbook', width: 1200, format: 'avif' });
    const { presets } = await (await call(GET, { bearer: viewer.token, path: '/api/presets' })).json();
    expect(presets.at(-1)).toMatchObject({ name: 'lookbook', width: 1200 });
  });

  it('refuses 100,000 px with 422 preset_too_large', async () => {
    expect(await errorOf(await create({ name: 'huge', width: 100_000, height: 100_000, format: 'jpeg' }))).toEqual({
      status: 422,
      code: 'preset_too_large',
      message: 'A preset of 100000 × 100000 px is larger than the 6000 px a side renditions may have; ask for 6000 px or less on each side.',
    });
  });

  it('refuses an unknown format with 422 unknown_format', async () => {
    expect(await errorOf(await create({ name: 'old', width: 500, height: 500, format: 'bmp' }))).toEqual({
      status: 422,
      code: 'unknown_format',
      message: '"bmp" is not a format renditions are made in; use jpeg, png, webp or avif.',
    });
  });

  it('refuses a background that is not a colour with 422 invalid_preset', async () => {
    expect(await errorOf(await create({ name: 'odd', width: 500, height: 500, format: 'png', background: 'url(x)' }))).toMatchObject({ status: 422, code: 'invalid_preset' });
  });

  it('refuses a size beyond PostgreSQL integers, a zero size and a quality over 100 with 422 naming the field', async () => {
    for (const [field, value] of [['width', 2 ** 53], ['height', 0], ['quality', 101]] as const) {
      const answer = await errorOf(await create({ name: 'bounds', width: 500, height: 500, format: 'png', [field]: value }));
      expect(answer, field).toMatchObject({ status: 422, code: 'validation_failed', message: expect.stringContaining(field) });
    }
  });

  it('refuses a built-in preset\'s name with 409 preset_reserved, on create and on delete', async () => {
    expect(await errorOf(await create({ name: 'amazon-main', width: 500, height: 500, format: 'jpeg' }))).toMatchObject({ status: 409, code: 'preset_reserved' });
    expect(await errorOf(await remove('amazon-main'))).toMatchObject({ status: 409, code: 'preset_reserved' });
  });

  it('deletes an admin preset, then answers 404 preset_not_found for it', async () => {
    await create({ name: 'brief', width: 300, height: 300, format: 'png' });
    const deleted = await remove('brief');
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ deleted: 'brief' });
    expect(await errorOf(await remove('brief'))).toMatchObject({ status: 404, code: 'preset_not_found' });
  });
});
