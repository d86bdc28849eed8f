import { describe, expect, it } from 'vitest';
import { ndcgAtK, percentile, recallAtK, relevantRecallAtK } from './stats';

const hits = (...distances: number[]) => distances.map((distance) => ({ distance }));

describe('bench statistics', () => {
  it('percentile by nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 0.95)).toBe(5);
  });

  it('recall counts results as close as the exact k-th, and misses beyond it', () => {
    expect(recallAtK(hits(0.1, 0.2, 0.3), hits(0.1, 0.2, 0.3), 3)).toBe(1);
    expect(recallAtK(hits(0.1, 0.2, 0.5), hits(0.1, 0.2, 0.3), 3)).toBeCloseTo(2 / 3);
    expect(recallAtK(hits(0.1), hits(0.1, 0.2), 2)).toBe(0.5);
  });

  it('recall and nDCG with binary relevance', () => {
    const relevant = new Set(['a', 'b']);
    expect(relevantRecallAtK(['a', 'x', 'b'], relevant, 2)).toBe(0.5);
    expect(ndcgAtK(['a', 'b', 'x'], relevant, 10)).toBe(1);
    expect(ndcgAtK(['x', 'a', 'b'], relevant, 10)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3)));
    expect(ndcgAtK(['x', 'y'], relevant, 10)).toBe(0);
  });
});
