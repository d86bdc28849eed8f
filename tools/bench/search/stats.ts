/** The q-quantile (0..1) of samples, by nearest rank. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Share of the exact top-k that the approximate top-k found. Catalogues hold many identical texts (same vector),
 * so a result counts when it is as close as the exact k-th one: which of several equals comes back is no miss.
 */
export function recallAtK(approximate: readonly { distance: number }[], exact: readonly { distance: number }[], k: number): number {
  const truth = exact.slice(0, k);
  if (truth.length === 0) return 1;
  const kth = truth[truth.length - 1].distance + 1e-6;
  return Math.min(truth.length, approximate.slice(0, k).filter((hit) => hit.distance <= kth).length) / truth.length;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Recall@k with binary relevance: share of all relevant items that appear in the top k. */
export function relevantRecallAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 1;
  return ranked.slice(0, k).filter((id) => relevant.has(id)).length / relevant.size;
}

/** nDCG@k with binary relevance: DCG of the ranking over the DCG of a perfect one. */
export function ndcgAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  const gain = (rank: number) => 1 / Math.log2(rank + 2);
  const dcg = ranked.slice(0, k).reduce((sum, id, rank) => sum + (relevant.has(id) ? gain(rank) : 0), 0);
  let ideal = 0;
  for (let rank = 0; rank < Math.min(k, relevant.size); rank++) ideal += gain(rank);
  return ideal === 0 ? 0 : dcg / ideal;
}
