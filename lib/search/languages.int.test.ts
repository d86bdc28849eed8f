import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rows } from '@/db/client';
import { useTestDatabase } from '@/test/db';
import { REGCONFIGS, regconfigFor } from './languages';

describe('full-text configuration per locale', () => {
  const database = useTestDatabase();

  it.each([...new Set([...Object.values(REGCONFIGS), 'simple'])])('the database has the %s configuration', async (name) => {
    const found = await rows<{ cfgname: string }>(database().db, sql`select cfgname from pg_ts_config where cfgname = ${name}`);
    expect(found).toEqual([{ cfgname: name }]);
  });

  it('stems French words with the french configuration and not with simple', async () => {
    const matches = (config: string) =>
      rows<{ hit: boolean }>(database().db, sql`select to_tsvector(${config}::regconfig, 'Bottines en cuir noir') @@ plainto_tsquery(${config}::regconfig, 'bottine') as hit`);
    expect(await matches(regconfigFor('fr'))).toEqual([{ hit: true }]);
    expect(await matches(regconfigFor('xx'))).toEqual([{ hit: false }]);
  });
});

describe('regconfigFor', () => {
  it.each([
    ['en', 'english'],
    ['fr', 'french'],
    ['fr-CA', 'french'],
    ['de_DE', 'german'],
    ['ES', 'spanish'],
    ['it', 'italian'],
    ['pt-BR', 'portuguese'],
    ['nl', 'dutch'],
    ['nb', 'norwegian'],
  ])('%s → %s', (locale, config) => {
    expect(regconfigFor(locale)).toBe(config);
  });

  it.each(['pl', 'ja', 'zh-CN', 'et', ''])('%s (no built-in configuration in both databases) → simple', (locale) => {
    expect(regconfigFor(locale)).toBe('simple');
  });

  it('does not take an inherited property for a language ("constructor")', () => {
    expect(regconfigFor('constructor')).toBe('simple');
  });
});
