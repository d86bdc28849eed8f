import { sql, type SQL } from 'drizzle-orm';
import { rows } from '@/db/client';
import type { Db } from '@/db/handle';

/** A worker's hold on one job: every write the step makes is conditional on it (see leaseHeld). */
export interface JobLease {
  jobId: string;
  token: string;
}

/**
 * A condition to AND into a step's write: true only while the lease is still ours. It locks the job row
 * (FOR SHARE) for the rest of the writing transaction, so a claimer, which skips locked rows, cannot take the
 * job over between this check and the write: a reclaimed job is never written twice.
 */
export function leaseHeld(lease: JobLease): SQL {
  return sql`exists (select 1 from jobs where jobs.id = ${lease.jobId} and jobs.claim_token = ${lease.token} for share)`;
}

export async function isLeaseHeld(db: Db, lease: JobLease): Promise<boolean> {
  const [row] = await rows<{ held: boolean }>(db, sql`select ${leaseHeld(lease)} as held`);
  return row.held;
}
