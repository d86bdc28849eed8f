import { desc, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { altHistory, users, type AltSource } from '@/db/schema';

export interface AltHistoryEntry {
  id: string;
  event: string;
  text: string | null;
  source: AltSource | null;
  /** The person, for human edits. */
  user: string | null;
  provider: string | null;
  model: string | null;
  promptVersion: string | null;
  outcome: string | null;
  message: string | null;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Of outputTokens, those a reasoning model spent thinking; null when the provider did not say. */
  reasoningTokens: number | null;
  createdAt: string;
}

export const HISTORY_PAGE = 50;

/** The asset's alt-text history, newest first: edits, proposals, rejections and failed attempts. */
export async function altHistoryOf(db: Db, assetId: string, limit = HISTORY_PAGE): Promise<AltHistoryEntry[]> {
  const rows = await db
    .select({ entry: altHistory, user: users.name })
    .from(altHistory)
    .leftJoin(users, eq(users.id, altHistory.userId))
    .where(eq(altHistory.assetId, assetId))
    .orderBy(desc(altHistory.createdAt), desc(altHistory.id))
    .limit(limit);
  return rows.map(({ entry, user }) => ({
    id: entry.id,
    event: entry.event,
    text: entry.text,
    source: entry.source,
    user,
    provider: entry.provider,
    model: entry.model,
    promptVersion: entry.promptVersion,
    outcome: entry.outcome,
    message: entry.message,
    latencyMs: entry.latencyMs,
    inputTokens: entry.inputTokens,
    outputTokens: entry.outputTokens,
    reasoningTokens: entry.reasoningTokens,
    createdAt: entry.createdAt.toISOString(),
  }));
}
