import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { instances } from '@/db/schema';
import { config } from '@/lib/config';
import { storedAsset } from '@/test/alt';
import { useTestDatabase } from '@/test/db';
import { testJpeg, useTemporaryLocalStorage } from '@/test/ingest';
import { currentInstanceId, joinAsInstance, leaveInstance } from './instance';
import { claimNextJob, renewLease } from './queue';

/**
 * Which process holds a claim: a job held by an instance whose heartbeat went stale is claimed again at once,
 * long before its lease (a minute by default) runs out. The database's clock is the one every instance reads, so
 * these tests move an instance's last beat rather than time itself.
 */
const database = useTestDatabase();
const files = useTemporaryLocalStorage();
const db = () => database().db;
let seed = 300;

/** An instance row as another process would have written it, last beating `secondsAgo` seconds ago. */
async function instanceThatBeat(secondsAgo: number): Promise<string> {
  const [row] = await db()
    .insert(instances)
    .values({ role: 'server', host: 'elsewhere', pid: 1, heartbeatAt: sql`now() - make_interval(secs => ${secondsAgo})` })
    .returning({ id: instances.id });
  return row.id;
}

async function silence(instanceId: string, secondsAgo: number): Promise<void> {
  await db().update(instances).set({ heartbeatAt: sql`now() - make_interval(secs => ${secondsAgo})` }).where(eq(instances.id, instanceId));
}

/** An asset with its derive job due, claimed by `holder`: the lease is fresh (JOBS_LEASE_SECONDS, a minute). */
async function claimedBy(holder: string | null) {
  const asset = await storedAsset(db(), files().storage, await testJpeg(seed++));
  const claim = await claimNextJob(db(), { assetId: asset.id }, holder);
  expect(claim?.job).toMatchObject({ kind: 'derive', status: 'running', claimedBy: holder });
  return { assetId: asset.id, claim: claim! };
}

const stale = () => config().jobs.instanceStaleSeconds + 1;

afterEach(async () => {
  vi.useRealTimers();
  await leaveInstance();
});

describe('claims and the instances that hold them', () => {
  it('a job whose holder stopped beating is claimed again at once, though its lease has most of a minute left', async () => {
    const killed = await instanceThatBeat(0);
    const { assetId, claim } = await claimedBy(killed);
    await silence(killed, stale());
    const survivor = await instanceThatBeat(0);

    const retaken = await claimNextJob(db(), { assetId }, survivor);

    expect(retaken?.job).toMatchObject({ id: claim.job.id, status: 'running', claimedBy: survivor });
    expect(retaken!.lease.token).not.toBe(claim.lease.token);
    expect(retaken!.job.claimedUntil!.getTime()).toBeGreaterThan(claim.job.claimedUntil!.getTime() - 1000);
    // The killed process's token is worthless now: it can neither renew nor write.
    expect(await renewLease(db(), claim.lease)).toBe(false);
  });

  it('a job whose holder still beats is nobody else\'s', async () => {
    const holder = await instanceThatBeat(0);
    const { assetId } = await claimedBy(holder);
    expect(await claimNextJob(db(), { assetId }, await instanceThatBeat(0))).toBeNull();
  });

  it('a holder whose row is gone is as dead as a silent one', async () => {
    const holder = await instanceThatBeat(0);
    const { assetId } = await claimedBy(holder);
    await db().delete(instances).where(eq(instances.id, holder));
    expect(await claimNextJob(db(), { assetId }, await instanceThatBeat(0))).not.toBeNull();
  });

  it('an instance whose own heartbeat was late never takes its own work from under itself', async () => {
    const late = await instanceThatBeat(0);
    const { assetId } = await claimedBy(late);
    await silence(late, stale());
    expect(await claimNextJob(db(), { assetId }, late)).toBeNull();
  });

  it('a claimer that never joined as an instance is freed by its lease alone', async () => {
    const { assetId } = await claimedBy(null);
    expect(await claimNextJob(db(), { assetId }, await instanceThatBeat(0))).toBeNull();
  });

  it('joining records this process and its claims; leaving frees what it still holds at once', async () => {
    const id = await joinAsInstance(database(), 'server');
    expect(currentInstanceId()).toBe(id);
    expect(await joinAsInstance(database(), 'server')).toBe(id);
    const [row] = await db().select().from(instances).where(eq(instances.id, id));
    expect(row).toMatchObject({ role: 'server', pid: process.pid });
    const asset = await storedAsset(db(), files().storage, await testJpeg(seed++));
    const claim = await claimNextJob(db(), { assetId: asset.id });
    expect(claim?.job.claimedBy).toBe(id);

    await leaveInstance();

    expect(currentInstanceId()).toBeNull();
    expect(await db().select().from(instances).where(eq(instances.id, id))).toEqual([]);
    expect(await claimNextJob(db(), { assetId: asset.id }, await instanceThatBeat(0))).not.toBeNull();
  });

  it('the heartbeat keeps a joined instance alive: a beat after a silence makes its claims its own again', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const id = await joinAsInstance(database(), 'server');
    const asset = await storedAsset(db(), files().storage, await testJpeg(seed++));
    expect((await claimNextJob(db(), { assetId: asset.id }))?.job.claimedBy).toBe(id);
    await silence(id, stale());

    vi.advanceTimersByTime((config().jobs.instanceStaleSeconds * 1000) / 4);

    await vi.waitFor(async () => {
      const [row] = await db().select({ fresh: sql<boolean>`${instances.heartbeatAt} > now() - interval '5 seconds'` }).from(instances).where(eq(instances.id, id));
      expect(row.fresh).toBe(true);
    });
    expect(await claimNextJob(db(), { assetId: asset.id }, await instanceThatBeat(0))).toBeNull();
  });

  it('a joining instance forgets day-old rows; on the embedded database it frees every predecessor at once (one process at a time)', async () => {
    const recent = await instanceThatBeat(1);
    const dayOld = await instanceThatBeat(25 * 3600);
    const { assetId } = await claimedBy(recent);

    await joinAsInstance(database(), 'server');

    const left = (await db().select({ id: instances.id }).from(instances)).map((row) => row.id);
    expect(left).not.toContain(dayOld);
    if (database().driver === 'pglite') {
      expect(left).not.toContain(recent);
      expect((await claimNextJob(db(), { assetId }))?.job.claimedBy).toBe(currentInstanceId());
    } else {
      // On PostgreSQL another server may well be alive: its claims stand until its heartbeat goes stale.
      expect(left).toContain(recent);
      expect(await claimNextJob(db(), { assetId })).toBeNull();
    }
  });
});
