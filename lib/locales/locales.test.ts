import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, resetConfig } from '@/lib/config';
import { resolveLocale } from './locales';

/** LOCALES: the configured languages of alt text, the first the source; bad lists stop the server with a message naming the tag. */
describe('LOCALES', () => {
  afterEach(() => {
    delete process.env.LOCALES;
    resetConfig();
  });

  it('defaults to English alone', () => {
    expect(parseConfig({}).locales).toEqual({ source: 'en', all: ['en'], others: [] });
  });

  it('takes the first as the source and spells each tag one way (pt-br → pt-BR)', () => {
    expect(parseConfig({ LOCALES: 'en, fr,de,pt-br' }).locales).toEqual({ source: 'en', all: ['en', 'fr', 'de', 'pt-BR'], others: ['fr', 'de', 'pt-BR'] });
  });

  it('refuses something that is not a language tag, naming it', () => {
    expect(() => parseConfig({ LOCALES: 'en,french' })).toThrow(ConfigError);
    expect(() => parseConfig({ LOCALES: 'en,french' })).toThrow(/"french" is not a BCP 47 language tag/);
  });

  it('refuses an empty entry', () => {
    expect(() => parseConfig({ LOCALES: 'en,,fr' })).toThrow(/"" is not a BCP 47 language tag/);
  });

  it('refuses a locale listed twice, even spelled differently', () => {
    expect(() => parseConfig({ LOCALES: 'en,pt-BR,pt-br' })).toThrow(/pt-BR is listed twice/);
  });

  it('resolves a locale from a request case-insensitively, and refuses one not configured naming those that are', () => {
    process.env.LOCALES = 'en,fr,pt-BR';
    resetConfig();
    expect(resolveLocale('PT-br')).toEqual({ ok: true, locale: 'pt-BR' });
    expect(resolveLocale('es')).toEqual({ ok: false, code: 'unknown_locale', message: 'unknown locale "es": the configured locales are en, fr, pt-BR (LOCALES)' });
  });
});
