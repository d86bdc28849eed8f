import { describe, expect, it } from 'vitest';
import {
  MAX_TRANSLATION_CELL_CHARS,
  MAX_TRANSLATION_KEY_CHARS,
  readShopifyTranslations,
  readShopifyTranslationsFile,
  SHOPIFY_TRANSLATION_HEADER,
  writeShopifyTranslations,
  type ShopifyTranslationRow,
  type TranslationRowRead,
} from './shopify-translations';

const HEADER = 'Type,Identification,Field,Locale,Market,Status,Default content,Translated content';

async function readAll(text: string | Iterable<string> | AsyncIterable<string>, options?: { maxRows?: number }): Promise<TranslationRowRead[]> {
  const out: TranslationRowRead[] = [];
  for await (const read of readShopifyTranslations(typeof text === 'string' ? [text] : text, options)) out.push(read);
  return out;
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

const row = (overrides: Partial<ShopifyTranslationRow> = {}): ShopifyTranslationRow => ({
  type: 'MEDIA_IMAGE',
  identification: '34567890123',
  field: 'alt',
  locale: 'fr',
  market: '',
  status: 'translated',
  defaultContent: 'Navy canvas backpack with tan leather straps.',
  translatedContent: 'Sac à dos en toile bleu marine avec des bretelles en cuir fauve.',
  ...overrides,
});

describe('reading Shopify\'s translations CSV', () => {
  it('reads each row with its spreadsheet row number', async () => {
    const file = `${HEADER}\nMEDIA_IMAGE,34567890123,alt,fr,,translated,Navy canvas backpack.,Sac à dos en toile bleu marine.\nPRODUCT,8079393226938,title,fr,,outdated,Navy backpack,Sac marine\n`;
    expect(await readAll(file)).toEqual([
      { ok: true, row: { row: 2, type: 'MEDIA_IMAGE', identification: '34567890123', field: 'alt', locale: 'fr', market: '', status: 'translated', defaultContent: 'Navy canvas backpack.', translatedContent: 'Sac à dos en toile bleu marine.' } },
      { ok: true, row: { row: 3, type: 'PRODUCT', identification: '8079393226938', field: 'title', locale: 'fr', market: '', status: 'outdated', defaultContent: 'Navy backpack', translatedContent: 'Sac marine' } },
    ]);
  });

  it("removes a spreadsheet's protective apostrophe before an ID", async () => {
    const [read] = await readAll(`${HEADER}\nMEDIA_IMAGE,'34567890123,alt,de,,,Backpack,Rucksack\n`);
    expect(read).toMatchObject({ ok: true, row: { identification: '34567890123' } });
  });

  it('reads a byte order mark, quoted commas, quotes and line breaks inside content', async () => {
    const [read] = await readAll(`\uFEFF${HEADER}\r\nMEDIA_IMAGE,1,alt,pt-BR,,,"Bag, navy","Bolsa ""Navy"",\nazul"\r\n`);
    expect(read).toMatchObject({ ok: true, row: { locale: 'pt-BR', defaultContent: 'Bag, navy', translatedContent: 'Bolsa "Navy",\nazul' } });
  });

  it('yields rows as they are parsed, before the file has ended', async () => {
    let finish = () => {};
    const rest = new Promise<void>((resolve) => (finish = resolve));
    async function* chunks() {
      // The parser holds a chunk's last, possibly unfinished record until more arrives: the second row starts here.
      yield `${HEADER}\nMEDIA_IMAGE,1,alt,fr,,,Bag,Sac\nMEDIA_IMAGE,2,al`;
      await rest;
      yield 't,fr,,,Coat,Manteau\n';
    }
    const reader = readShopifyTranslations(chunks());
    expect((await reader.next()).value).toMatchObject({ ok: true, row: { identification: '1' } });
    finish();
    expect((await reader.next()).value).toMatchObject({ ok: true, row: { identification: '2' } });
    expect((await reader.next()).done).toBe(true);
  });

  it('refuses another CSV (a Loupe export) by its header', async () => {
    expect(await readAll('filename,alt_text,title\nDSC_1.jpg,Navy bag,Bag\n')).toEqual([
      { ok: false, kind: 'wrong_header', row: 1, message: `The header is "filename,alt_text,title"; Shopify's translations file starts with "${HEADER}".` },
    ]);
  });

  it('refuses a header with an extra column', async () => {
    expect(await readAll(`${HEADER},Notes\n`)).toMatchObject([{ ok: false, kind: 'wrong_header', row: 1 }]);
  });

  it('refuses an empty file', async () => {
    expect(await readAll('')).toMatchObject([{ ok: false, kind: 'wrong_header', message: expect.stringMatching(/^The file is empty/) }]);
  });

  it('refuses a row with a cell missing, naming the row', async () => {
    expect(await readAll(`${HEADER}\nMEDIA_IMAGE,1,alt,fr,,,Bag\n`)).toEqual([
      { ok: false, kind: 'bad_cell', row: 2, message: "Row 2 has 7 cells; Shopify's translations file has 8 on every row." },
    ]);
  });

  it('refuses a NUL byte in a translation, naming the row and column', async () => {
    expect(await readAll(`${HEADER}\nMEDIA_IMAGE,1,alt,fr,,,Bag,Sac\u0000\n`)).toEqual([
      { ok: false, kind: 'bad_cell', row: 2, message: 'Row 2, column "Translated content": contains a control character (a NUL byte or similar), which no text has.' },
    ]);
  });

  it('refuses a control character in a key cell', async () => {
    expect(await readAll(`${HEADER}\nMEDIA\u001bIMAGE,1,alt,fr,,,Bag,Sac\n`)).toMatchObject([{ ok: false, kind: 'bad_cell', row: 2, message: expect.stringContaining('column "Type"') }]);
  });

  it('refuses an overlong translation', async () => {
    const long = 'a'.repeat(MAX_TRANSLATION_CELL_CHARS + 1);
    expect(await readAll(`${HEADER}\nMEDIA_IMAGE,1,alt,fr,,,Bag,${long}\n`)).toEqual([
      { ok: false, kind: 'bad_cell', row: 2, message: 'Row 2, column "Translated content": is 16,385 characters long; at most 16,384 fit.' },
    ]);
  });

  it('refuses an overlong ID', async () => {
    const long = '9'.repeat(MAX_TRANSLATION_KEY_CHARS + 1);
    expect(await readAll(`${HEADER}\nMEDIA_IMAGE,${long},alt,fr,,,Bag,Sac\n`)).toMatchObject([{ ok: false, kind: 'bad_cell', message: expect.stringContaining('column "Identification": is 256 characters long') }]);
  });

  it('refuses an ID spanning several lines', async () => {
    expect(await readAll(`${HEADER}\nMEDIA_IMAGE,"1\n2",alt,fr,,,Bag,Sac\n`)).toMatchObject([
      { ok: false, kind: 'bad_cell', message: 'Row 2, column "Identification": spans several lines; it is a single value.' },
    ]);
  });

  it('refuses an empty Type', async () => {
    expect(await readAll(`${HEADER}\n,1,alt,fr,,,Bag,Sac\n`)).toMatchObject([{ ok: false, kind: 'bad_cell', row: 2, message: expect.stringContaining('column "Type": is empty') }]);
  });

  it('refuses an empty Identification (an apostrophe alone too)', async () => {
    expect(await readAll(`${HEADER}\nMEDIA_IMAGE,',alt,fr,,,Bag,Sac\n`)).toMatchObject([{ ok: false, kind: 'bad_cell', message: expect.stringContaining('column "Identification": is empty') }]);
  });

  it('refuses an empty Field', async () => {
    expect(await readAll(`${HEADER}\nMEDIA_IMAGE,1, ,fr,,,Bag,Sac\n`)).toMatchObject([{ ok: false, kind: 'bad_cell', message: expect.stringContaining('column "Field": is empty') }]);
  });

  it('refuses a locale that is not a locale code', async () => {
    expect(await readAll(`${HEADER}\nMEDIA_IMAGE,1,alt,French,,,Bag,Sac\n`)).toEqual([
      { ok: false, kind: 'bad_cell', row: 2, message: 'Row 2, column "Locale": "French" is not a locale code such as fr or pt-BR.' },
    ]);
  });

  it('refuses a quote never closed', async () => {
    expect(await readAll(`${HEADER}\nMEDIA_IMAGE,1,alt,fr,,,Bag,"Sac\n`)).toMatchObject([{ ok: false, kind: 'invalid_csv', message: expect.stringMatching(/never closed/) }]);
  });

  it('refuses a file with too many rows, after the rows before it', async () => {
    const reads = await readAll(`${HEADER}\nMEDIA_IMAGE,1,alt,fr,,,A,B\nMEDIA_IMAGE,2,alt,fr,,,A,B\nMEDIA_IMAGE,3,alt,fr,,,A,B\n`, { maxRows: 2 });
    expect(reads.map((read) => read.ok)).toEqual([true, true, false]);
    expect(reads[2]).toMatchObject({ kind: 'too_many_rows', row: 4 });
  });

  it('stops at the first hostile row: nothing after it is read', async () => {
    const reads = await readAll(`${HEADER}\nMEDIA_IMAGE,1,alt,fr,,,A,B\nMEDIA_IMAGE,2,alt,xx_bad,,,A,B\nMEDIA_IMAGE,3,alt,fr,,,A,B\n`);
    expect(reads.map((read) => (read.ok ? read.row.row : `problem ${read.row}`))).toEqual([2, 'problem 3']);
  });
});

describe("reading Shopify's translations CSV from an uploaded file's bytes", () => {
  async function readBytes(...chunks: Uint8Array[]): Promise<TranslationRowRead[]> {
    async function* source() {
      yield* chunks;
    }
    const out: TranslationRowRead[] = [];
    for await (const read of readShopifyTranslationsFile(source())) out.push(read);
    return out;
  }

  it('decodes UTF-8, a character split across chunks included', async () => {
    const bytes = Buffer.from(`${HEADER}\nMEDIA_IMAGE,1,alt,fr,,,Bag,Sac à dos\n`, 'utf8');
    const split = bytes.indexOf(0xc3) + 1;
    expect(await readBytes(bytes.subarray(0, split), bytes.subarray(split))).toMatchObject([{ ok: true, row: { translatedContent: 'Sac à dos' } }]);
  });

  it('refuses a UTF-16 file with the import\'s message', async () => {
    expect(await readBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')]))).toMatchObject([
      { ok: false, kind: 'wrong_encoding', message: expect.stringMatching(/UTF-16/) },
    ]);
  });

  it('refuses a Windows-1252 file with the import\'s message', async () => {
    expect(await readBytes(Buffer.from(`${HEADER}\nMEDIA_IMAGE,1,alt,fr,,,Bag,Sac \xe0 dos\n`, 'latin1'))).toMatchObject([
      { ok: false, kind: 'wrong_encoding', message: expect.stringMatching(/not UTF-8/) },
    ]);
  });
});

describe("writing Shopify's translations CSV", () => {
  it("writes Shopify's header and one line per row", async () => {
    expect(await text(writeShopifyTranslations([row()]))).toBe(
      `${HEADER}\nMEDIA_IMAGE,34567890123,alt,fr,,translated,Navy canvas backpack with tan leather straps.,Sac à dos en toile bleu marine avec des bretelles en cuir fauve.\n`,
    );
    expect(SHOPIFY_TRANSLATION_HEADER.join(',')).toBe(HEADER);
  });

  it('neutralises a cell a spreadsheet would run as a formula', async () => {
    const out = await text(writeShopifyTranslations([row({ translatedContent: '=HYPERLINK("http://x.test","clic")' })]));
    expect(out.split('\n')[1]).toMatch(/,"'=HYPERLINK\(""http:\/\/x\.test"",""clic""\)"$/);
  });

  it('streams rows from an async source and reads back what it wrote', async () => {
    const rows = [row(), row({ identification: '2', locale: 'de', translatedContent: 'Rucksack, "Navy",\nzweite Zeile' })];
    async function* source() {
      yield* rows;
    }
    const reads = await readAll(writeShopifyTranslations(source()).map(String));
    expect(reads).toEqual(rows.map((expected, index) => ({ ok: true, row: { ...expected, row: index + 2 } })));
  });
});
