import { describe, expect, it } from 'vitest';
import { highlightSegments } from './highlight';

const marked = (text: string, terms: string[]) =>
  highlightSegments(text, terms)
    .filter((s) => s.match)
    .map((s) => s.text);

describe('highlightSegments', () => {
  it('marks query words at word starts, whatever their case, and plural or singular forms', () => {
    expect(marked('White running Shoes on a shoe rack', ['shoes'])).toEqual(['Shoes', 'shoe']);
    expect(marked('A navy backpack', ['navy', 'backpacks'])).toEqual(['navy', 'backpack']);
    expect(marked('Canvas bag', ['van'])).toEqual([]);
  });

  it('keeps every character of the text, in order, as plain text', () => {
    const text = '<img src=x onerror=alert(1)> navy & "blue" bag';
    const segments = highlightSegments(text, ['navy', 'img']);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.match).map((s) => s.text)).toEqual(['img', 'navy']);
  });

  it('treats regular-expression characters in terms literally and works in other scripts', () => {
    expect(marked('ab.cd рюкзак', ['.', 'рюкзак'])).toEqual(['рюкзак']);
  });
});
