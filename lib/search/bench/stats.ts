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
