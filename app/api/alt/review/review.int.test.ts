import { and, desc, eq } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET as coverageRoute } from '@/app/api/alt/coverage/route';
import { GET as missingCsvRoute } from '@/app/api/alt/coverage/missing/route';
import { GET as queueRoute, POST as reviewRoute } from '@/app/api/alt/review/route';
import { altHistory, assets, jobs, type Asset } from '@/db/schema';
import { dropAfterTasks } from '@/lib/ingest';
import { JOB_PRIORITY } from '@/lib/jobs';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { gateRejectedAsset, reviewAsset } from '@/test/review';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

interface ItemAnswer {
  id: string;
  outcome: string;
  status: number;
  version?: number;
  text?: string | null;
  message?: string;
}
interface ReviewAnswer {
  action: string;
  matched: number;
  more: boolean;
  summary: Record<string, number>;
  results: ItemAnswer[];
  message?: string;
}
interface ErrorAnswer {
  error: { code: string; message: string };
}

/** POST /api/alt/review and the queue through the real routes and guard, on PGlite and PostgreSQL. */
describe('the review API', () => {
  const database = useTestDatabase();
  useTemporaryLocalStorage();
  let editor: TestAccount;
  let other: TestAccount;
  let viewer: TestAccount;

  beforeAll(async () => {
    editor = await makeAccount(database().db, 'editor');
    other = await makeAccount(database().db, 'editor');
    viewer = await makeAccount(database().db, 'viewer');
  });
  // Re-embedding after a person's text is scheduled with after(); these tests look at the decisions only.
  beforeEach(() => dropAfterTasks());

  const db = () => database().db;
  const reload = async (id: string): Promise<Asset> => (await db().select().from(assets).where(eq(assets.id, id)))[0];
  const post = (body: unknown, account: TestAccount = editor, credential: 'cookie' | 'token' = 'cookie') =>
    call(reviewRoute, { method: 'POST', path: '/api/alt/review', body, ...(credential === 'cookie' ? { cookie: account.cookie } : { bearer: account.token }) });
  const decide = async (body: unknown, account: TestAccount = editor): Promise<ReviewAnswer> => {
    const response = await post(body, account);
    expect(response.status).toBe(200);
    return (await response.json()) as ReviewAnswer;
  };
  const lastHistory = async (id: string) => (await db().select().from(altHistory).where(eq(altHistory.assetId, id)).orderBy(desc(altHistory.createdAt)).limit(1))[0];
  const item = (asset: Asset) => ({ id: asset.id, version: asset.version });

  it('approves a proposal: status approved, text untouched, the history says who and when', async () => {
    const asset = await reviewAsset(db());
    const answer = await decide({ action: 'approve', items: [item(asset)] });
    expect(answer.results).toEqual([{ id: asset.id, outcome: 'done', status: 200, version: asset.version + 1 }]);
    const after = await reload(asset.id);
    expect(after).toMatchObject({ altStatus: 'approved', altText: asset.altText, altSource: 'ai', version: asset.version + 1 });
    const entry = await lastHistory(asset.id);
    expect(entry).toMatchObject({ event: 'approved', userId: editor.id, text: asset.altText, outcome: 'written' });
    expect(entry.previous).toMatchObject({ alt_status: 'proposed', alt_text: asset.altText });
    expect(entry.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses an unknown action with 422 naming the actions it knows', async () => {
    const asset = await reviewAsset(db());
    const response = await post({ action: 'publish', items: [item(asset)] });
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorAnswer;
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toMatch(/action/);
    expect(body.error.message).toMatch(/approve/);
    expect((await reload(asset.id)).altStatus).toBe('proposed');
  });

  it('answers mixed valid and invalid items one by one and does the valid ones', async () => {
    const good = await reviewAsset(db());
    const alsoGood = await reviewAsset(db());
    const answer = await decide({
      action: 'approve',
      items: [{ id: 'not-a-uuid', version: 1 }, item(good), { id: alsoGood.id, version: 'one' }, { version: 3 }, 'garbage', { id: crypto.randomUUID(), version: 1 }, item(good)],
    });
    const byOutcome = (outcome: string) => answer.results.filter((result) => result.outcome === outcome);
    expect(byOutcome('done').map((result) => result.id)).toEqual([good.id]);
    expect(byOutcome('invalid')).toHaveLength(5);
    expect(byOutcome('invalid').every((result) => result.status === 400 && /^item \d+: /.test(result.message ?? ''))).toBe(true);
    expect(byOutcome('invalid').map((result) => result.message).join('\n')).toMatch(/listed twice/);
    expect(byOutcome('not_found')).toEqual([expect.objectContaining({ status: 404 })]);
    expect(answer.summary).toEqual({ done: 1, conflict: 0, not_found: 1, invalid: 5, not_applicable: 0 });
    expect((await reload(good.id)).altStatus).toBe('approved');
    expect((await reload(alsoGood.id)).altStatus).toBe('proposed');
  });

  it('answers an edit with a NUL and a version past PostgreSQL\'s integer as invalid items, and does the others', async () => {
    const [nul, huge, good] = [await reviewAsset(db()), await reviewAsset(db()), await reviewAsset(db())];
    const answer = await decide({
      action: 'edit',
      items: [
        { ...item(nul), text: 'Red\u0000coat on a hanger.' },
        { id: huge.id, version: 99999999999, text: 'A red coat on a hanger.' },
        { ...item(good), text: 'A green coat on a hanger.' },
      ],
    });
    expect(answer.results.map((result) => [result.id, result.outcome])).toEqual([
      [good.id, 'done'],
      [nul.id, 'invalid'],
      [huge.id, 'invalid'],
    ]);
    expect(answer.results[1].message).toMatch(/^item 0: text: remove the NUL character/);
    expect(answer.results[2].message).toBe('item 1: version: send at most 2147483647');
    expect((await reload(nul.id)).altText).toBe(nul.altText);
    expect((await reload(good.id)).altText).toBe('A green coat on a hanger.');
  });

  it('refuses an empty selection, both items and filter, and a filter without asOf with 422', async () => {
    const asset = await reviewAsset(db());
    for (const [body, pattern] of [
      [{ action: 'approve', items: [] }, /selection is empty/],
      [{ action: 'approve' }, /either "items".*or "filter"/],
      [{ action: 'approve', items: [item(asset)], filter: {} }, /either "items"/],
      [{ action: 'approve', filter: { tag: 'x' } }, /asOf/],
      [{ action: 'undo', filter: {}, asOf: new Date().toISOString() }, /names each item/],
      [{ action: 'approve', filter: { flag: 'pretty' }, asOf: new Date().toISOString() }, /flag/],
    ] as const) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(((await response.json()) as ErrorAnswer).error.message).toMatch(pattern);
    }
    expect((await reload(asset.id)).version).toBe(asset.version);
  });

  it('refuses more than 10,000 items', async () => {
    const response = await post({ action: 'approve', items: Array.from({ length: 10_001 }, () => ({ id: crypto.randomUUID(), version: 1 })) });
    expect(response.status).toBe(422);
    expect(((await response.json()) as ErrorAnswer).error.message).toMatch(/at most 10000 items/);
  });

  it('says so when a filter matches nothing, and changes nothing', async () => {
    const answer = await decide({ action: 'approve', filter: { tag: 'no-such-tag-anywhere' }, asOf: new Date().toISOString() });
    expect(answer).toMatchObject({ matched: 0, results: [], message: 'No asset matches this filter: nothing was done.' });
  });

  it('refuses a viewer with 403, and an API token that tries to approve', async () => {
    const asset = await reviewAsset(db());
    const asViewer = await post({ action: 'approve', items: [item(asset)] }, viewer);
    expect(asViewer.status).toBe(403);
    expect(((await asViewer.json()) as ErrorAnswer).error.code).toBe('forbidden');
    const byToken = await post({ action: 'approve', items: [item(asset)] }, editor, 'token');
    expect(byToken.status).toBe(403);
    expect(((await byToken.json()) as ErrorAnswer).error.message).toMatch(/person/);
    expect((await reload(asset.id)).altStatus).toBe('proposed');
    const queueAsViewer = await call(queueRoute, { path: '/api/alt/review', cookie: viewer.cookie });
    expect(queueAsViewer.status).toBe(403);
  });

  it('two reviewers on one item: one wins, the other gets a conflict with the current text and version', async () => {
    const asset = await reviewAsset(db());
    const [first, second] = await Promise.all([
      decide({ action: 'edit', items: [{ ...item(asset), text: 'Navy jumper with ribbed cuffs, folded.' }] }, editor),
      decide({ action: 'reject', items: [item(asset)] }, other),
    ]);
    const outcomes = [first.results[0].outcome, second.results[0].outcome].sort();
    expect(outcomes).toEqual(['conflict', 'done']);
    const loser = [first, second].find((answer) => answer.results[0].outcome === 'conflict')!.results[0];
    const now = await reload(asset.id);
    expect(loser).toMatchObject({ status: 409, version: now.version, text: now.altText });
    expect(loser.message).toMatch(/changed since you loaded it/);
    expect(now.version).toBe(asset.version + 1);
  });

  it('never overwrites a stale version, whatever the action', async () => {
    const asset = await reviewAsset(db());
    await decide({ action: 'edit', items: [{ ...item(asset), text: 'A person wrote this first.' }] }, other);
    for (const action of ['approve', 'reject', 'decorative', 'regenerate'] as const) {
      const answer = await decide({ action, items: [item(asset)] });
      expect(answer.results[0]).toMatchObject({ outcome: 'conflict', status: 409, text: 'A person wrote this first.', version: asset.version + 1 });
    }
    expect(await reload(asset.id)).toMatchObject({ altText: 'A person wrote this first.', altSource: 'human', altStatus: 'approved' });
  });

  it('reject sends the text back to missing, keeps it in the history and queues a new proposal as background work (under the daily budget)', async () => {
    const asset = await reviewAsset(db());
    await decide({ action: 'reject', items: [item(asset)] });
    expect(await reload(asset.id)).toMatchObject({ altText: null, altSource: null, altStatus: 'none' });
    expect(await lastHistory(asset.id)).toMatchObject({ event: 'rejected', text: asset.altText, userId: editor.id });
    const [describe] = await db().select().from(jobs).where(and(eq(jobs.assetId, asset.id), eq(jobs.kind, 'describe')));
    expect(describe).toMatchObject({ status: 'pending', priority: JOB_PRIORITY.backfill });
  });

  it('approve does not apply to missing text, and says why', async () => {
    const asset = await reviewAsset(db(), { altText: null });
    const answer = await decide({ action: 'approve', items: [item(asset)] });
    expect(answer.results[0]).toMatchObject({ outcome: 'not_applicable', status: 422, message: 'nothing to do: there is no proposal to approve' });
  });

  it('undo restores what the reviewer\'s own last decision replaced, and only theirs', async () => {
    const asset = await reviewAsset(db());
    const decided = await decide({ action: 'decorative', items: [item(asset)] });
    expect(await reload(asset.id)).toMatchObject({ altText: '', decorative: true, altStatus: 'decorative' });
    const byOther = await decide({ action: 'undo', items: [{ id: asset.id, version: decided.results[0].version }] }, other);
    expect(byOther.results[0]).toMatchObject({ outcome: 'not_applicable' });
    const undone = await decide({ action: 'undo', items: [{ id: asset.id, version: decided.results[0].version }] });
    expect(undone.results[0].outcome).toBe('done');
    expect(await reload(asset.id)).toMatchObject({ altText: asset.altText, altSource: 'ai', altStatus: 'proposed', decorative: false, altModel: asset.altModel });
    expect(await lastHistory(asset.id)).toMatchObject({ event: 'undone', message: 'undid decorative', userId: editor.id });
  });

  it('a filter is resolved on the server; items changed after asOf are conflicts, not decided unseen', async () => {
    const tag = `batch-${crypto.randomUUID()}`;
    // When the reviewer looked, and rows last changed a minute either side of it: no waiting on the clock.
    const looked = Date.now();
    const asOf = new Date(looked).toISOString();
    const before = new Date(looked - 60_000);
    const seen = await Promise.all([reviewAsset(db(), { tags: [tag], createdAt: before }), reviewAsset(db(), { tags: [tag], createdAt: before })]);
    const changedLater = await reviewAsset(db(), { tags: [tag], createdAt: new Date(looked + 60_000) });
    const answer = await decide({ action: 'approve', filter: { tag }, asOf });
    expect(answer.summary).toMatchObject({ done: 2, conflict: 1 });
    expect(answer.results.find((result) => result.id === changedLater.id)).toMatchObject({ outcome: 'conflict', status: 409 });
    for (const asset of seen) expect((await reload(asset.id)).altStatus).toBe('approved');
    expect((await reload(changedLater.id)).altStatus).toBe('proposed');
  });

  it('lists the queue oldest first with statuses, the gate\'s reason, flags and counts per filter', async () => {
    const collection = `queue-${crypto.randomUUID()}`;
    const base = Date.now() - 86_400_000;
    const at = (minutes: number) => new Date(base + minutes * 60_000);
    const proposal = await reviewAsset(db(), { collection, createdAt: at(3), altText: 'Image of a red leather tote bag on a white background.', width: 400, height: 400 });
    const refused = await gateRejectedAsset(db(), 'Red tote bag.', 'quality gate: echo', { collection, createdAt: at(1), title: 'Red tote bag' });
    const missing = await reviewAsset(db(), { collection, createdAt: at(2), altText: null });
    const outdated = await reviewAsset(db(), { collection, createdAt: at(4), altPromptVersion: 'alt-v0', altText: 'See https://shop.example/tote for <b>details</b>.' });
    await reviewAsset(db(), { collection, createdAt: at(5), altStatus: 'approved' });

    const response = await call(queueRoute, { path: `/api/alt/review?collection=${collection}&counts=1`, cookie: editor.cookie });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: Array<{ id: string; status: string; text: string | null; reason: string | null; nextTryAt: string | null; flags: string[] }>; counts: { total: number; status: Record<string, number>; flag: Record<string, number> } };
    expect(body.items.map((entry) => entry.id)).toEqual([refused.id, missing.id, proposal.id, outdated.id]);
    expect(body.items.map((entry) => entry.status)).toEqual(['gate_rejected', 'missing', 'proposed', 'outdated']);
    expect(body.items[0]).toMatchObject({ text: 'Red tote bag.', reason: 'The description only repeated the catalogue data.', nextTryAt: refused.altNextAttemptAt!.toISOString() });
    expect(body.items[1]).toMatchObject({ status: 'missing', nextTryAt: null });
    expect(body.items[2].flags).toEqual(['image_of', 'under_500']);
    expect(body.items[3].flags).toEqual(['markup_or_url']);
    expect(body.counts.total).toBe(4);
    expect(body.counts.status).toMatchObject({ proposed: 2, outdated: 1, retrying: 1, gate_rejected: 1, failed: 0, missing: 1 });
    expect(body.counts.flag).toMatchObject({ image_of: 1, markup_or_url: 1, under_500: 1 });

    const filtered = (await (await call(queueRoute, { path: `/api/alt/review?collection=${collection}&flag=image_of`, cookie: editor.cookie })).json()) as { items: Array<{ id: string }> };
    expect(filtered.items.map((entry) => entry.id)).toEqual([proposal.id]);
    const bad = await call(queueRoute, { path: '/api/alt/review?cursor=nonsense', cookie: editor.cookie });
    expect(bad.status).toBe(400);
  });

  it('flags filenames, a repeated title, text over ALT_MAX_LENGTH, and nothing on a good proposal', async () => {
    const collection = `flags-${crypto.randomUUID()}`;
    const at = (minutes: number) => new Date(Date.now() - 3_600_000 + minutes * 60_000);
    await reviewAsset(db(), { collection, createdAt: at(1), altText: 'IMG_2041.JPG' });
    await reviewAsset(db(), { collection, createdAt: at(2), title: 'Harbour Linen Shirt', altText: 'Harbour Linen Shirt in white, worn open over a grey tee.' });
    await reviewAsset(db(), { collection, createdAt: at(3), altText: `Striped cotton beach towel ${'with a fringed edge '.repeat(13)}laid on sand.` });
    await reviewAsset(db(), { collection, createdAt: at(5), altText: 'Green canvas backpack with leather straps, standing on a wooden floor.' });
    const body = (await (await call(queueRoute, { path: `/api/alt/review?collection=${collection}`, cookie: editor.cookie })).json()) as { items: Array<{ flags: string[] }> };
    expect(body.items.map((entry) => entry.flags)).toEqual([['filename'], ['repeats_title'], ['too_long'], []]);
  });

  it('flags only an image under Merchant Center\'s 500 × 500 px; under the recommended 1500 × 1500 px is a filter, not a flag', async () => {
    const collection = `sizes-${crypto.randomUUID()}`;
    const at = (minutes: number) => new Date(Date.now() - 3_600_000 + minutes * 60_000);
    const small = await reviewAsset(db(), { collection, createdAt: at(1), width: 480, height: 640, altText: 'Brown leather belt with a brass buckle, coiled on slate.' });
    const typical = await reviewAsset(db(), { collection, createdAt: at(2), width: 900, height: 1200, altText: 'Blue denim jacket with brass buttons, hung on a wooden hanger.' });
    await reviewAsset(db(), { collection, createdAt: at(3), width: 2000, height: 2000, altText: 'Grey wool scarf folded twice, lying on a linen sheet.' });
    const body = (await (await call(queueRoute, { path: `/api/alt/review?collection=${collection}&counts=1`, cookie: editor.cookie })).json()) as { items: Array<{ flags: string[] }>; counts: { flag: Record<string, number> } };
    expect(body.items.map((entry) => entry.flags)).toEqual([['under_500'], [], []]);
    expect(body.counts.flag).toMatchObject({ under_500: 1, under_1500: 2 });
    const recommended = (await (await call(queueRoute, { path: `/api/alt/review?collection=${collection}&flag=under_1500`, cookie: editor.cookie })).json()) as { items: Array<{ id: string }> };
    expect(recommended.items.map((entry) => entry.id)).toEqual([small.id, typical.id]);
  });

  it('flags text shared word for word by another asset', async () => {
    const collection = `shared-${crypto.randomUUID()}`;
    const text = `Identical text ${crypto.randomUUID()} on two assets.`;
    await reviewAsset(db(), { collection, altText: text });
    await reviewAsset(db(), { collection, altText: text });
    const body = (await (await call(queueRoute, { path: `/api/alt/review?collection=${collection}`, cookie: editor.cookie })).json()) as { items: Array<{ flags: string[] }> };
    expect(body.items.map((entry) => entry.flags)).toEqual([['shared_text'], ['shared_text']]);
  });

  it('the coverage numbers and the CSV of what is missing, with formula-looking cells neutralised', async () => {
    const before = (await (await call(coverageRoute, { path: '/api/alt/coverage', cookie: editor.cookie })).json()) as { overall: Record<string, number> };
    const collection = `cov-${crypto.randomUUID()}`;
    const hostile = await reviewAsset(db(), { collection, altText: null, filename: '=HYPERLINK("http://evil.example","x").jpg', title: '+cmd' });
    await reviewAsset(db(), { collection, altStatus: 'approved' });
    const answer = (await (await call(coverageRoute, { path: '/api/alt/coverage', cookie: editor.cookie })).json()) as {
      overall: Record<string, number>;
      byCollection: Array<{ value: string; approved: number; missing: number; total: number }>;
    };
    expect(answer.overall.missing).toBe(before.overall.missing + 1);
    expect(answer.overall.approved).toBe(before.overall.approved + 1);
    expect(answer.byCollection.find((row) => row.value === collection)).toMatchObject({ approved: 1, missing: 1, total: 2 });

    const csv = await call(missingCsvRoute, { path: '/api/alt/coverage/missing', cookie: editor.cookie });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe('id,filename,sku,title,collection,tags,status,reason,uploaded_at');
    const line = lines.find((entry) => entry.startsWith(hostile.id));
    expect(line).toBe(`${hostile.id},"'=HYPERLINK(""http://evil.example"",""x"").jpg",,"'+cmd",${collection},,missing,,${hostile.createdAt.toISOString().slice(0, 19)}Z`);
  });
});
