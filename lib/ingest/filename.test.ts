import { describe, expect, it } from 'vitest';
import { MAX_FILENAME_LENGTH, sanitizeFilename } from './filename';

const clean = (raw: string) => {
  const result = sanitizeFilename(raw);
  if (!result.ok) throw new Error(result.message);
  return result.filename;
};

describe('sanitizeFilename', () => {
  it('keeps only the last path segment, whichever separator', () => {
    expect(clean('../../etc/passwd')).toBe('passwd');
    expect(clean('C:\\Users\\ann\\Pictures\\shirt.jpg')).toBe('shirt.jpg');
    expect(clean('/var/www/shirt.jpg')).toBe('shirt.jpg');
  });

  it('removes `..`, leading dots, control and bidi-override characters', () => {
    expect(clean('shirt..jpg')).toBe('shirt.jpg');
    expect(clean('...hidden.png')).toBe('hidden.png');
    expect(clean('red\u0000shirt\n\r\t.jpg')).toBe('redshirt.jpg');
    expect(clean('invoice\u202Egpj.exe')).toBe('invoicegpj.exe');
  });

  it('NFC-normalises, so the same name is always the same string', () => {
    const decomposed = 'E\u0301te\u0301 collection – blue shirt (1).jpg';
    expect(clean(decomposed)).toBe('Été collection – blue shirt (1).jpg'.normalize('NFC'));
    expect(clean(decomposed)).toBe(clean(decomposed.normalize('NFC')));
  });

  it('caps a 300-character name at the limit and keeps its extension', () => {
    const name = clean(`${'a'.repeat(296)}.jpg`);
    expect(Array.from(name)).toHaveLength(MAX_FILENAME_LENGTH);
    expect(name.endsWith('.jpg')).toBe(true);
    const emoji = clean(`${'📷'.repeat(300)}.webp`);
    expect(Array.from(emoji)).toHaveLength(MAX_FILENAME_LENGTH);
    expect(emoji.endsWith('📷.webp')).toBe(true);
  });

  it('refuses a name with nothing usable left', () => {
    expect(sanitizeFilename('../..')).toMatchObject({ ok: false, code: 'invalid_filename' });
    expect(sanitizeFilename('dir/')).toMatchObject({ ok: false, code: 'invalid_filename' });
    expect(sanitizeFilename('\u0000\u0001')).toMatchObject({ ok: false, code: 'invalid_filename' });
  });
});
