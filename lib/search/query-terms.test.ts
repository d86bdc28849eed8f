import { describe, expect, it } from 'vitest';
import { filenameStemPattern, parseQuery } from './query-terms';

describe('parseQuery', () => {
  it('keeps only words (any script) as terms, so no tsquery syntax reaches PostgreSQL', () => {
    expect(parseQuery(" navy & blue | !backpack:* \\ 'x' ").terms).toEqual(['navy', 'blue', 'backpack', 'x']);
    expect(parseQuery('рюкзак 背包 sac à dos').terms).toEqual(['рюкзак', '背包', 'sac', 'à', 'dos']);
    expect(parseQuery('🎒🎒 !!').terms).toEqual([]);
  });

  it('joins terms for websearch (all, or any with "or") and drops a bare "or", which websearch reads as an operator', () => {
    expect(parseQuery('navy OR blue or').websearchAll).toBe('navy blue');
    expect(parseQuery('navy OR blue or').websearchAny).toBe('navy or blue');
  });

  it('bounds the number and length of terms', () => {
    const many = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    expect(parseQuery(many).terms).toHaveLength(32);
    expect(parseQuery('a'.repeat(500)).terms[0]).toHaveLength(64);
  });

  it('escapes LIKE wildcards in the filename stem pattern', () => {
    expect(filenameStemPattern('IMG_1%\\')).toBe('img\\_1\\%\\\\.%');
  });
});
