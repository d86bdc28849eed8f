import { describe, expect, it } from 'vitest';
import { diffWords } from './word-diff';

describe('diffWords', () => {
  it('marks removed and added words, and both sides join back to their texts', () => {
    const before = 'Red wool coat on a dress form.';
    const after = 'Long red wool coat with horn buttons on a dress form.';
    const parts = diffWords(before, after);
    const side = (kind: 'removed' | 'added') => parts.filter((part) => part.kind !== kind).map((part) => part.text).join('');
    expect(side('added')).toBe(before);
    expect(side('removed')).toBe(after);
    expect(parts.filter((part) => part.kind === 'added').map((part) => part.text.trim())).toEqual(['Long red', 'with horn buttons']);
    expect(parts.filter((part) => part.kind === 'removed').map((part) => part.text.trim())).toEqual(['Red']);
  });

  it('reports identical texts as one unchanged part, and an empty side as all added', () => {
    expect(diffWords('Same words here.', 'Same words here.')).toEqual([{ kind: 'same', text: 'Same words here.' }]);
    expect(diffWords('', 'New text.')).toEqual([{ kind: 'added', text: 'New text.' }]);
  });
});
