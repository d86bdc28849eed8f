import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { passesGate } from './gate';
import type { AltContext } from './types';

interface GateCase {
  id: string;
  raw: string;
  context: { filename?: string; tags?: string[]; title?: string };
  expect: 'pass' | 'reject';
  clean?: string;
  reason?: string;
  note: string;
}

const casesFile = fixturePath('alt-outputs', 'gate-cases.jsonl');
const available = fixturesAvailable() && fs.existsSync(casesFile);
if (!available && process.env.CI === 'true') throw new Error(`${casesFile} is missing: CI must run with ../shared beside the repository.`);
const cases: GateCase[] = available
  ? fs
      .readFileSync(casesFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as GateCase)
  : [];

function contextOf(gateCase: GateCase): AltContext {
  return { tags: gateCase.context.tags ?? [], title: gateCase.context.title, filename: gateCase.context.filename };
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

describe.skipIf(!available)('quality gate on the shared gate cases', () => {
  it('has all 45 cases', () => {
    expect(cases).toHaveLength(45);
  });

  it.each(cases.map((gateCase) => [gateCase.id, gateCase] as const))('%s', (_id, gateCase) => {
    const verdict = passesGate(gateCase.raw, contextOf(gateCase));
    if (gateCase.expect === 'pass') {
      expect(verdict).toEqual({ pass: true, text: expect.any(String) });
      expect(collapse(verdict.text)).toBe(collapse(gateCase.clean ?? ''));
    } else {
      expect(verdict.pass).toBe(false);
      expect(verdict.pass === false && verdict.reason).toBe(gateCase.reason);
    }
  });
});

describe('quality gate beyond the shared cases', () => {
  it('keeps a sentence whose quotes are transcribed text at both ends', () => {
    const raw = '"SALE" sticker on a black leather tote bag beside a card reading "50% off"';
    expect(passesGate(raw, { tags: [] })).toEqual({ pass: true, text: raw });
  });

  it('does not treat a sentence that merely uses catalogue words plus description as an echo', () => {
    const verdict = passesGate('Red wool coat with horn buttons worn by a model walking outdoors.', { tags: ['red', 'wool', 'coat'] });
    expect(verdict.pass).toBe(true);
  });

  it('refuses a trailing offer on the same line but keeps the description', () => {
    const verdict = passesGate('Green silk scarf knotted at the neck of a mannequin. Let me know if you need more!', { tags: [] });
    expect(verdict).toEqual({ pass: true, text: 'Green silk scarf knotted at the neck of a mannequin.' });
  });
});
