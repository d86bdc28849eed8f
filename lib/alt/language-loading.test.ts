import { describe, expect, it } from 'vitest';
import { passesGate } from './gate';
import { loadLanguageIdentifier } from './language';

/** A file of its own: vitest gives each file fresh modules, so the identifier starts unloaded here. */
describe('the language identifier loads on first need', () => {
  it('is not needed by the English gate: no locale, no identifier', () => {
    expect(passesGate('Navy blue canvas backpack with tan leather straps.', { tags: [] })).toMatchObject({ pass: true });
  });

  it('says what to do when a locale is checked before it is loaded', () => {
    expect(() => passesGate('Navy blue canvas backpack with tan leather straps.', { tags: [] }, { locale: 'fr' })).toThrow(
      'the language identifier is not loaded: await loadLanguageIdentifier() before checking a locale',
    );
  });

  it('checks the locale once loaded', async () => {
    await loadLanguageIdentifier();
    expect(passesGate('Navy blue canvas backpack with tan leather straps.', { tags: [] }, { locale: 'fr' })).toMatchObject({ pass: false, reason: 'wrong_language' });
  });
});
