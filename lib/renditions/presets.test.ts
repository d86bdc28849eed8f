import { describe, expect, it } from 'vitest';
import { BUILT_IN_PRESETS, checkPresetSpec, presetForm, presetHash, presetInput, type PresetInput } from './presets';

const valid = (overrides: Record<string, unknown> = {}): PresetInput => presetInput.parse({ name: 'catalogue', width: 1000, height: 1000, format: 'jpeg', ...overrides });

describe('a preset spec', () => {
  it('takes a plain preset, with defaults for fit, background, quality and metadata', () => {
    expect(checkPresetSpec(valid())).toEqual({
      ok: true,
      spec: { width: 1000, height: 1000, fit: 'contain', background: '#FFFFFF', format: 'jpeg', quality: 85, metadata: 'strip', trim: false },
    });
  });

  it('refuses 100,000 px with preset_too_large, naming the limit', () => {
    expect(checkPresetSpec(valid({ width: 100_000 }))).toEqual({
      ok: false,
      code: 'preset_too_large',
      message: 'A preset of 100000 × 1000 px is larger than the 6000 px a side renditions may have; ask for 6000 px or less on each side.',
    });
  });

  it('refuses a height over the limit too', () => {
    expect(checkPresetSpec(valid({ height: 6001 }))).toMatchObject({ ok: false, code: 'preset_too_large' });
  });

  it('refuses an unknown format with unknown_format, listing the ones there are', () => {
    expect(checkPresetSpec(valid({ format: 'gif' }))).toEqual({ ok: false, code: 'unknown_format', message: '"gif" is not a format renditions are made in; use jpeg, png, webp or avif.' });
  });

  it('refuses a background that is not #RRGGBB', () => {
    expect(checkPresetSpec(valid({ background: 'white' }))).toMatchObject({ ok: false, code: 'invalid_preset', message: expect.stringMatching(/^background: "white" is not a colour/) });
  });

  it('refuses a transparent background for JPEG', () => {
    expect(checkPresetSpec(valid({ background: 'transparent' }))).toMatchObject({ ok: false, code: 'invalid_preset', message: expect.stringMatching(/JPEG has no transparency/) });
  });

  it('refuses trim without fit contain', () => {
    expect(checkPresetSpec(valid({ trim: true, fit: 'cover' }))).toMatchObject({ ok: false, code: 'invalid_preset', message: expect.stringMatching(/^trim: /) });
  });

  it('refuses a name with capitals, spaces or slashes', () => {
    for (const name of ['Amazon', 'my preset', '../x', '']) expect(presetInput.safeParse({ name, width: 10, height: 10, format: 'png' }).success, name).toBe(false);
  });

  it('hashes every setting that changes the file, and only those', () => {
    const base = checkPresetSpec(valid());
    if (!base.ok) throw new Error(base.message);
    const hashes = new Set([presetHash(base.spec)]);
    for (const change of [{ width: 999 }, { height: 999 }, { fit: 'cover' }, { background: '#FFFFFE' }, { format: 'png' }, { quality: 84 }, { metadata: 'icc' }, { trim: true }]) {
      hashes.add(presetHash({ ...base.spec, ...change } as typeof base.spec));
    }
    expect(hashes.size).toBe(9);
    expect(presetHash({ ...base.spec })).toBe(presetHash(base.spec));
    const relabelled = checkPresetSpec(valid({ label: 'Another label', name: 'other' }));
    expect(relabelled.ok && presetHash(relabelled.spec)).toBe(presetHash(base.spec));
  });

  it('built-in presets pass the same checks admins\' do', () => {
    for (const preset of BUILT_IN_PRESETS) expect(checkPresetSpec(valid({ ...preset, name: 'copy' })).ok, preset.name).toBe(true);
  });
});

describe("the admin page's preset form", () => {
  it('reads numbers from text and the trim box as on or absent', () => {
    const fields = { name: 'market', width: '2000', height: '2000', format: 'jpeg', quality: '90', trim: 'on' };
    expect(presetForm.parse(fields)).toMatchObject({ width: 2000, height: 2000, quality: 90, trim: true, fit: 'contain', background: '#FFFFFF' });
    expect(presetForm.parse({ ...fields, trim: undefined }).trim).toBe(false);
  });

  it('refuses a width that is not a whole number', () => {
    expect(presetForm.safeParse({ name: 'market', width: '20.5', height: '10', format: 'png' }).success).toBe(false);
  });
});
