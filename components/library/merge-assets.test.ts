import { describe, expect, it } from 'vitest';
import type { AssetView } from '@/lib/assets';
import { appendPage, mergeAssets } from './merge-assets';

function asset(id: string, state: AssetView['state'] = 'stored'): AssetView {
  return {
    id,
    filename: `${id}.jpg`,
    state,
    error: null,
    condition: null,
    failed: false,
    nextTryAt: null,
    format: null,
    mimeType: null,
    width: null,
    height: null,
    sizeBytes: null,
    sha256: null,
    tags: [],
    title: null,
    sku: null,
    collection: null,
    decorative: false,
    product: null,
    productPosition: null,
    remotes: [],
    alt: { text: null, source: null, status: 'none', author: null, model: null, promptVersion: null, updatedAt: null, attempts: 0, lastError: null, lastErrorCode: null, nextTryAt: null, version: 1 },
    derivatives: { grid: null, vision: null },
    video: null,
    downloadUrl: null,
    metadata: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

const ids = (assets: AssetView[]) => assets.map((a) => a.id);

describe('mergeAssets', () => {
  it('replaces known rows in place, puts unknown (newer) ones on top and drops removed ones', () => {
    const current = [asset('c'), asset('b'), asset('a')];
    const merged = mergeAssets(current, [asset('d', 'derived'), asset('c', 'embedded')], new Set(['a']));
    expect(ids(merged)).toEqual(['d', 'c', 'b']);
    expect(merged.map((a) => a.state)).toEqual(['derived', 'embedded', 'stored']);
  });

  it('leaves the list as it was when nothing changed', () => {
    const current = [asset('b'), asset('a')];
    expect(mergeAssets(current, [])).toEqual(current);
  });
});

describe('appendPage', () => {
  it('skips rows already shown (a row can move to the next page while uploads arrive)', () => {
    expect(ids(appendPage([asset('c'), asset('b')], [asset('b'), asset('a')]))).toEqual(['c', 'b', 'a']);
  });
});
