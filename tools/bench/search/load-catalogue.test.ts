import { describe, expect, it } from 'vitest';
import { copyField, copyLines } from './load-catalogue';

describe('COPY text format', () => {
  it('escapes what COPY reads as structure and writes null and arrays as PostgreSQL reads them', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField(250000)).toBe('250000');
    expect(copyField('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyField(['shirt', 'summer'])).toBe('{"shirt","summer"}');
    // The array literal's own quoting, then COPY's escaping of the backslashes it contains.
    expect(copyField(['say "hi"', 'a\\b'])).toBe('{"say \\\\"hi\\\\"","a\\\\\\\\b"}');
    expect(copyLines([['x', null], ['y', 2]])).toBe('x\t\\N\ny\t2\n');
  });
});
