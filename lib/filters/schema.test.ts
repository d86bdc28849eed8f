import { describe, expect, it } from 'vitest';
import { assetFilterSchema, filterFromParams, filterSchema, filterToParams } from '.';

/** One schema for URLs and JSON: the same names, the same meanings, and the old names still read. */
describe('the filter schema', () => {
  it('reads search’s old `state=<alt status>` as `status`, and keeps `state` for the processing state', () => {
    expect(filterSchema().parse({ state: 'approved' })).toEqual({ status: 'approved' });
    expect(filterSchema().parse({ state: 'failed' })).toEqual({ state: 'failed' });
    expect(filterSchema().parse({ state: 'retrying', status: 'missing' })).toEqual({ state: 'retrying', status: 'missing' });
    expect(filterSchema().parse({ state: 'proposed', status: 'proposed' })).toEqual({ status: 'proposed' });
  });

  it('refuses the two names for one status when they disagree, saying which to send', () => {
    const parsed = filterSchema().safeParse({ state: 'approved', status: 'missing' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['state'], message: expect.stringContaining('send status alone') });
  });

  it('refuses an unknown status, state, flag or store value with the values it takes', () => {
    for (const [key, value] of [['status', 'done'], ['state', 'broken'], ['flag', 'ugly'], ['store', 'everywhere']]) {
      const parsed = filterSchema().safeParse({ [key]: value });
      expect(parsed.success, key).toBe(false);
      expect(parsed.error?.issues[0].path, key).toEqual([key]);
    }
  });

  it('refuses a NUL byte and an over-long tag', () => {
    expect(filterSchema().safeParse({ tag: 'a\u0000b' }).success).toBe(false);
    expect(filterSchema().safeParse({ tag: 'x'.repeat(101) }).error?.issues[0].message).toBe('a tag is at most 100 characters');
  });

  it('takes an empty text as no filter (a cleared search box)', () => {
    expect(filterSchema().parse({ q: '', tag: '  ' })).toEqual({});
  });

  it('a JSON body refuses names it does not know; a query string ignores them', () => {
    expect(assetFilterSchema.safeParse({ tags: 'summer' }).success).toBe(false);
    expect(filterSchema().parse({ tags: 'summer', tag: 'summer' })).toEqual({ tag: 'summer' });
  });

  it("a page's address: a malformed value is dropped on its own, the rest still apply", () => {
    const params = new URLSearchParams('tag=summer&status=nonsense&product=not-a-uuid&flag=under_500&state=approved');
    expect(filterFromParams(params)).toEqual({ tag: 'summer', flag: 'under_500', status: 'approved' });
    expect(filterFromParams({ tag: ['summer', 'winter'], state: 'approved', status: 'missing' })).toEqual({ tag: 'summer', status: 'missing' });
  });

  it('writes a filter back as the same query string the pages read', () => {
    const filter = filterSchema().parse({ status: 'outdated', tag: 'summer', promptVersion: 'alt-v1' });
    const written = filterToParams(filter);
    expect(written).toBe('tag=summer&status=outdated&promptVersion=alt-v1');
    expect(filterFromParams(new URLSearchParams(written))).toEqual(filter);
  });
});
