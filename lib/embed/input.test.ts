import { describe, expect, it } from 'vitest';
import { embeddingInput, inputHash } from './input';

describe('embedding input', () => {
  it('is alt text | tags | filename, in that order', () => {
    expect(embeddingInput({ altText: 'A navy backpack', tags: ['bags', 'travel'], filename: 'DSC_0001.jpg' })).toBe(
      'A navy backpack | bags, travel | DSC_0001.jpg',
    );
  });

  it('leaves out what is missing: no alt text embeds from tags and filename', () => {
    expect(embeddingInput({ altText: null, tags: ['wallet'], filename: 'w.jpg' })).toBe('wallet | w.jpg');
    expect(embeddingInput({ altText: '  ', tags: [' ', ''], filename: 'w.jpg' })).toBe('w.jpg');
  });

  it('hashes the input so any change to alt text, tags or filename marks the vector stale', () => {
    const base = { altText: 'A navy backpack', tags: ['bags'], filename: 'a.jpg' };
    const hash = inputHash(embeddingInput(base));
    expect(inputHash(embeddingInput({ ...base }))).toBe(hash);
    expect(inputHash(embeddingInput({ ...base, altText: 'A navy rucksack' }))).not.toBe(hash);
    expect(inputHash(embeddingInput({ ...base, tags: ['bags', 'sale'] }))).not.toBe(hash);
    expect(inputHash(embeddingInput({ ...base, filename: 'b.jpg' }))).not.toBe(hash);
  });
});
