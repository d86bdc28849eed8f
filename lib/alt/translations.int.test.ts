import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as getReviewRoute, POST as reviewRoute } from '@/app/api/alt/review/route';
import { GET as getAssetRoute, PATCH as patchAssetRoute } from '@/app/api/assets/[id]/route';
import { GET as exportRoute } from '@/app/api/exports/route';
import { GET as searchRoute } from '@/app/api/search/route';
import { POST as importRoute } from '@/app/api/imports/route';
import { PATCH as patchLocaleRoute } from '@/app/api/assets/[id]/alt/[locale]/route';
import { altHistory, altTexts, events, jobs } from '@/db/schema';
import { runDueJobs } from '@/lib/jobs';
import { useFakeGroq } from '@/test/alt';
import { call, makeAccount, TEST_ORIGIN, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { reviewAsset } from '@/test/review';

/**
 * Alt text per locale with LOCALES=en,fr,de, through the real routes, the outbox and the jobs runner against
 * the fake Groq API: approving the English text brings French and German proposals, the gate refuses an
 * answer in the wrong language, an answer to a source text changed in flight is dropped, and a changed source
 * text makes its translations stale.
 */
const FRENCH = 'Pull en laine bleu marine plié sur une table en bois clair.';
const GERMAN = 'Marineblauer Wollpullover, gefaltet auf einem hellen Holztisch.';
const ENGLISH = 'Navy wool crew-neck jumper folded on a pale wooden table.';

describe('alt text per locale', () => {
  const database = useTestDatabase();
  const db = () => database().db;
  const fake = useFakeGroq(db, { LOCALES: 'en,fr,de', VISION_TIMEOUT_MS: '30000' });
  let editor: TestAccount;
  beforeAll(async () => {
    editor = await makeAccount(db(), 'editor');
  });

  const approve = (id: string, version: number) =>
    call(reviewRoute, { method: 'POST', path: '/api/alt/review', cookie: editor.cookie, body: { action: 'approve', items: [{ id, version }] } });
  const record = async (assetId: string, locale: string) =>
    (await db().select().from(altTexts).where(and(eq(altTexts.assetId, assetId), eq(altTexts.locale, locale))))[0];
  const translateJobs = async (assetId: string) =>
    (await db().select().from(jobs).where(and(eq(jobs.assetId, assetId), eq(jobs.kind, 'translate')))).map((job) => [job.key, job.status]).sort();
  const runTranslations = () => runDueJobs(db(), { kinds: ['translate'], concurrency: 1 });

  async function approvedEnglish() {
    const asset = await reviewAsset(db(), { altText: ENGLISH, title: 'Navy jumper' });
    expect((await approve(asset.id, asset.version)).status).toBe(200);
    return asset;
  }

  it('approving the English text queues a translation per other locale; each becomes a proposal in its language', async () => {
    const asset = await approvedEnglish();
    expect(await translateJobs(asset.id)).toEqual([['de', 'pending'], ['fr', 'pending']]);
    // The fake answers each translation request in the language it asks for.
    await runTranslations();
    const byLocale = Object.fromEntries(fake().requests.map((request) => [/into (\w+)/.exec(request.userText ?? '')?.[1], request.userText]));
    expect(Object.keys(byLocale).sort()).toEqual(['French', 'German']);
    // A text-only call carrying the approved text and the product's title.
    expect(byLocale.French).toContain(ENGLISH);
    expect(byLocale.French).toContain('Navy jumper');
    const fr = await record(asset.id, 'fr');
    const de = await record(asset.id, 'de');
    const [frText, deText] = [fr.text, de.text];
    expect(frText).toBeTruthy();
    expect(deText).toBeTruthy();
    expect(frText).not.toBe(deText);
    expect(fr).toMatchObject({ status: 'proposed', source: 'translation', stale: false, searchConfig: 'french' });
    expect(fr.sourceHash).toMatch(/^[0-9a-f]{32}$/);

    const response = await call(getAssetRoute, { cookie: editor.cookie, params: { id: asset.id } });
    const body = (await response.json()) as { alt: { text: string }; altTexts: Record<string, { text: string; status: string; source: string }> };
    expect(body.alt.text).toBe(ENGLISH);
    expect(Object.keys(body.altTexts)).toEqual(['en', 'fr', 'de']);
    expect(body.altTexts.en).toMatchObject({ text: ENGLISH, status: 'approved' });
    expect(body.altTexts.fr).toMatchObject({ text: frText, status: 'proposed', source: 'translation' });

    // The events carry the locale (webhooks send them as they are).
    const localeEvents = await db().select().from(events).where(eq(events.assetId, asset.id));
    expect(localeEvents.map((event) => [event.type, event.data.locale]).sort()).toEqual([
      ['alt_text.approved', 'en'],
      ['alt_text.changed', 'de'],
      ['alt_text.changed', 'fr'],
    ]);
  });

  it('the gate refuses an English answer to a French request: the record is failed, with the code in its column', async () => {
    const asset = await approvedEnglish();
    fake().setDefault({ kind: 'text', content: 'A navy wool jumper folded neatly on top of a light wooden table.' });
    await runTranslations();
    const fr = await record(asset.id, 'fr');
    expect(fr).toMatchObject({ text: null, status: 'failed', failureCode: 'gate_rejected', attempts: 1 });
    expect(fr.failureMessage).toMatch(/language|English/i);
    expect(fr.nextAttemptAt).not.toBeNull();
    const refused = await db().select().from(altHistory).where(and(eq(altHistory.assetId, asset.id), eq(altHistory.locale, 'fr')));
    expect(refused.map((entry) => [entry.event, entry.text])).toEqual([['gate_rejected', 'A navy wool jumper folded neatly on top of a light wooden table.']]);
  });

  it('an answer to a source text that changed in flight is dropped; the new text is translated instead', async () => {
    const asset = await approvedEnglish();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // A right answer in the language asked for (whichever locale's job is claimed first), held until released.
    const answer = { kind: 'text' as const, content: '' };
    fake().script({ kind: 'held', until: held, then: answer });
    const running = runDueJobs(db(), { kinds: ['translate'], concurrency: 1, limit: 1 });
    // Wait until the model has been asked (an event, not a sleep), then change the English text.
    while (fake().requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    answer.content = fake().requests[0].userText?.includes('French') ? FRENCH : GERMAN;
    const edited = await call(patchAssetRoute, { method: 'PATCH', cookie: editor.cookie, params: { id: asset.id }, body: { altText: 'Navy wool jumper, folded, on an oak table.', version: asset.version + 1 } });
    expect(edited.status).toBe(200);
    release();
    await running;
    const first = fake().requests[0].userText ?? '';
    const locale = first.includes('French') ? 'fr' : 'de';
    // The answer about the old text was never stored as current.
    expect(await record(asset.id, locale)).toMatchObject({ text: null, status: 'missing', source: null });
    // The new approved text queued its own translation of that locale.
    const job = (await db().select().from(jobs).where(and(eq(jobs.assetId, asset.id), eq(jobs.kind, 'translate'), eq(jobs.key, locale))))[0];
    expect(job.status).toBe('pending');
  });

  it('a changed source text makes an approved translation stale, back in the queue, and asks for a new one', async () => {
    const asset = await approvedEnglish();
    // The fake answers each translation request in the language it asks for.
    await runTranslations();
    const [frenchText, germanText] = [(await record(asset.id, 'fr')).text!, (await record(asset.id, 'de')).text!];
    const de = await record(asset.id, 'de');
    expect((await call(patchLocaleRoute, { method: 'PATCH', cookie: editor.cookie, params: { id: asset.id, locale: 'de' }, body: { text: germanText, version: de.version } })).status).toBe(200);
    expect(await record(asset.id, 'de')).toMatchObject({ status: 'approved', source: 'human' });
    const edited = await call(patchAssetRoute, { method: 'PATCH', cookie: editor.cookie, params: { id: asset.id }, body: { altText: 'Navy jumper on an oak table.', version: asset.version + 1 } });
    expect(edited.status).toBe(200);
    expect(await record(asset.id, 'de')).toMatchObject({ status: 'proposed', stale: true, text: germanText });
    expect(await record(asset.id, 'fr')).toMatchObject({ status: 'proposed', stale: true, text: frenchText });
    expect(await translateJobs(asset.id)).toEqual([['de', 'pending'], ['fr', 'pending']]);
    fake().setDefault({ kind: 'text', content: FRENCH });
    await runTranslations();
    // The model's stale proposal is replaced; a person's text is never replaced by the model, it waits for a person.
    expect(await record(asset.id, 'fr')).toMatchObject({ status: 'proposed', stale: false, text: FRENCH, source: 'translation' });
    expect(await record(asset.id, 'de')).toMatchObject({ status: 'proposed', stale: true, text: germanText, source: 'human' });
  });

  it('PATCH /api/assets/{id}/alt/{locale}: the version guard, and an unknown locale named against the configured ones', async () => {
    const asset = await approvedEnglish();
    const patch = (locale: string, body: unknown) => call(patchLocaleRoute, { method: 'PATCH', cookie: editor.cookie, params: { id: asset.id, locale }, body });
    const first = await patch('fr', { text: FRENCH, version: 0 });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ locale: 'fr', text: FRENCH, status: 'approved', source: 'human', version: 1 });
    const stale = await patch('fr', { text: 'Autre texte pour ce pull marine.', version: 0 });
    expect(stale.status).toBe(409);
    const conflict = (await stale.json()) as { error: { code: string; message: string; details: { current: { text: string; version: number } } } };
    expect(conflict.error).toMatchObject({ code: 'version_conflict', details: { current: { text: FRENCH, version: 1 } } });
    const unknown = await patch('xx', { text: 'Hallo.', version: 0 });
    expect(unknown.status).toBe(422);
    const refused = (await unknown.json()) as { error: { code: string; message: string } };
    expect(refused.error.code).toBe('unknown_locale');
    expect(refused.error.message).toContain('en, fr, de');
    // The source locale is the asset's own text, guarded by the asset's version as GET shows it.
    const shown = (await (await call(getAssetRoute, { cookie: editor.cookie, params: { id: asset.id } })).json()) as { altTexts: Record<string, { version: number }> };
    expect((await patch('en', { text: 'Navy jumper, folded.', version: shown.altTexts.en.version })).status).toBe(200);
    expect(await record(asset.id, 'en')).toMatchObject({ text: 'Navy jumper, folded.', status: 'approved', source: 'human' });
    // That made the French text stale (a new version); case aside, a configured tag is the same locale.
    expect(await record(asset.id, 'fr')).toMatchObject({ stale: true, version: 2 });
    expect((await patch('FR', { decorative: true, version: 2 })).status).toBe(200);
    expect(await record(asset.id, 'fr')).toMatchObject({ text: '', status: 'decorative' });
  });

  it('each locale is reviewed on its own: its queue beside the English text, decisions on its records, undo', async () => {
    const asset = await approvedEnglish();
    // The fake answers each translation request in the language it asks for.
    await runTranslations();
    const frenchText = (await record(asset.id, 'fr')).text!;
    const queue = async (query: string) => {
      const response = await call(getReviewRoute, { cookie: editor.cookie, path: `/api/alt/review?${query}` });
      return { status: response.status, body: (await response.json()) as { items: Array<{ id: string; text: string; sourceText: string; version: number; locale: string }>; counts: { total: number } | null; error?: { code: string; message: string } } };
    };
    const french = await queue('locale=fr&counts=1');
    expect(french.status).toBe(200);
    const item = french.body.items.find((each) => each.id === asset.id)!;
    expect(item).toMatchObject({ locale: 'fr', text: frenchText, sourceText: ENGLISH });
    // The English queue knows nothing of it: the asset's own text is approved.
    expect((await queue('')).body.items.some((each) => each.id === asset.id)).toBe(false);
    const decide = (body: unknown) => call(reviewRoute, { method: 'POST', path: '/api/alt/review', cookie: editor.cookie, body });
    const approved = await decide({ action: 'approve', locale: 'fr', items: [{ id: asset.id, version: item.version }] });
    expect(((await approved.json()) as { summary: { done: number } }).summary.done).toBe(1);
    expect(await record(asset.id, 'fr')).toMatchObject({ status: 'approved', text: frenchText });
    // German is still waiting for its own decision; a stale version is a conflict with the current text.
    expect(await record(asset.id, 'de')).toMatchObject({ status: 'proposed' });
    const stale = (await (await decide({ action: 'reject', locale: 'fr', items: [{ id: asset.id, version: item.version }] })).json()) as { results: Array<{ outcome: string; text: string }> };
    expect(stale.results[0]).toMatchObject({ outcome: 'conflict', text: frenchText });
    const undone = await decide({ action: 'undo', locale: 'fr', items: [{ id: asset.id, version: item.version + 1 }] });
    expect(((await undone.json()) as { summary: { done: number } }).summary.done).toBe(1);
    expect(await record(asset.id, 'fr')).toMatchObject({ status: 'proposed', text: frenchText });
    // Rejecting a translation asks for a new one.
    const rejected = await decide({ action: 'reject', locale: 'de', items: [{ id: asset.id, version: (await record(asset.id, 'de')).version }] });
    expect(((await rejected.json()) as { summary: { done: number } }).summary.done).toBe(1);
    expect(await record(asset.id, 'de')).toMatchObject({ status: 'missing', text: null });
    expect(await translateJobs(asset.id)).toContainEqual(['de', 'pending']);
    const unknown = await queue('locale=es');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_locale' });
    expect(unknown.body.error?.message).toContain('en, fr, de');
  });

  it('each locale is exported on its own, and the full export has an alt_text:<locale> column per other locale', async () => {
    const asset = await approvedEnglish();
    // The fake answers each translation request in the language it asks for.
    await runTranslations();
    const [frenchText, germanText] = [(await record(asset.id, 'fr')).text!, (await record(asset.id, 'de')).text!];
    const fr = await record(asset.id, 'fr');
    expect((await call(patchLocaleRoute, { method: 'PATCH', cookie: editor.cookie, params: { id: asset.id, locale: 'fr' }, body: { text: frenchText, version: fr.version } })).status).toBe(200);
    const exported = async (query: string) => {
      const response = await call(exportRoute, { cookie: editor.cookie, path: `/api/exports?${query}` });
      return { status: response.status, disposition: response.headers.get('content-disposition'), body: await response.text() };
    };
    const french = await exported('format=csv&status=approved&locale=fr');
    expect(french.status).toBe(200);
    expect(french.disposition).toContain('loupe-alt-text-fr-approved-');
    expect(french.body).toContain(frenchText);
    expect(french.body).not.toContain(ENGLISH);
    // German is only proposed: not in an approved German export.
    expect((await exported('format=csv&status=approved&locale=de')).body).not.toContain(asset.filename);
    expect((await exported('format=jsonl&status=all&locale=de')).body).toContain('"status":"proposed"');
    const all = await exported('format=csv&status=approved');
    expect(all.body.split('\r\n')[0]).toBe('filename,sku,title,collection,tags,alt_text,status,source,model,prompt_version,updated_at,alt_text:fr,alt_text:de');
    const line = all.body.split('\r\n').find((row) => row.startsWith(asset.filename))!;
    expect(line).toContain(ENGLISH);
    expect(line).toContain(frenchText);
    expect(line).not.toContain(germanText);
    const unknown = await exported('locale=pt-BR');
    expect(unknown.status).toBe(422);
    expect(unknown.body).toContain('en, fr, de');
  });

  it('search in French finds a photo by its French text, stemmed as French; English words do not match there', async () => {
    const asset = await approvedEnglish();
    fake().setDefault({ kind: 'text', content: 'Bottines en cuir marron lacées, posées sur un parquet clair.' });
    await runTranslations();
    const search = async (query: string) => {
      const response = await call(searchRoute, { cookie: editor.cookie, path: `/api/search?${query}` });
      return { status: response.status, body: (await response.json()) as { results: Array<{ asset: { id: string }; matched: { text: unknown } }>; error?: { code: string; message: string } } };
    };
    // "bottine" (singular) finds "Bottines" through the French stemmer.
    const french = await search('q=bottine%20cuir&locale=fr');
    expect(french.status).toBe(200);
    expect(french.body.results.find((hit) => hit.asset.id === asset.id)?.matched.text).not.toBeNull();
    const english = await search('q=bottine%20cuir');
    expect(english.body.results.find((hit) => hit.asset.id === asset.id)?.matched.text ?? null).toBeNull();
    const unknown = await search('q=bottine&locale=it');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_locale' });
  });

  it('a CSV import writes alt_text:<locale> columns to those locales; an unknown locale column is 422 naming the configured ones', async () => {
    const asset = await reviewAsset(db(), { altText: ENGLISH });
    const send = (csv: string, query: Record<string, string> = {}) =>
      importRoute(
        new Request(`${TEST_ORIGIN}/api/imports?${new URLSearchParams(query)}`, {
          method: 'POST',
          headers: { cookie: editor.cookie, origin: TEST_ORIGIN, host: new URL(TEST_ORIGIN).host, 'content-type': 'text/csv' },
          body: new Uint8Array(Buffer.from(csv, 'utf8')),
        }),
        { params: Promise.resolve({}) },
      );
    const csv = `filename,alt_text:fr,Alt Text:DE\r\n${asset.filename},"${FRENCH}","${GERMAN}"\r\n`;
    const preview = await send(csv);
    expect(preview.status).toBe(200);
    const plan = (await preview.json()) as { digest: string; changes: Array<{ changes: Record<string, { from: string | null; to: string }> }> };
    expect(plan.changes[0].changes).toEqual({ 'altText:fr': { from: null, to: FRENCH }, 'altText:de': { from: null, to: GERMAN } });
    expect((await send(csv, { mode: 'apply', confirm: plan.digest })).status).toBe(200);
    expect(await record(asset.id, 'fr')).toMatchObject({ text: FRENCH, status: 'approved', source: 'import' });
    expect(await record(asset.id, 'de')).toMatchObject({ text: GERMAN, status: 'approved', source: 'import' });
    // The English text is untouched (no alt_text column), and so is the asset's version.
    expect((await call(getAssetRoute, { cookie: editor.cookie, params: { id: asset.id } }).then((response) => response.json())) as { alt: { text: string; version: number } }).toMatchObject({ alt: { text: ENGLISH, version: asset.version } });

    // A French text changed after the preview: the plan is not the one previewed, and nothing is written (German neither).
    const next = `filename,alt_text:fr,alt_text:de\r\n${asset.filename},Pull marine.,Marineblauer Pullover.\r\n`;
    const second = (await (await send(next)).json()) as { digest: string };
    const fr = await record(asset.id, 'fr');
    expect((await call(patchLocaleRoute, { method: 'PATCH', cookie: editor.cookie, params: { id: asset.id, locale: 'fr' }, body: { text: 'Changé entre-temps.', version: fr.version } })).status).toBe(200);
    const applied = (await (await send(next, { mode: 'apply', confirm: second.digest })).json()) as { error: { code: string } };
    expect(applied.error.code).toBe('plan_changed');
    expect(await record(asset.id, 'de')).toMatchObject({ text: GERMAN });

    const unknown = await send(`filename,alt_text:es\r\n${asset.filename},Jersey azul.\r\n`);
    expect(unknown.status).toBe(422);
    const refused = (await unknown.json()) as { error: { code: string; message: string } };
    expect(refused.error.code).toBe('unknown_locale');
    expect(refused.error.message).toContain('en, fr, de');
  });
});
