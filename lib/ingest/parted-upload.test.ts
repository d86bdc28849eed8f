import { describe, expect, it } from 'vitest';
import { expectedPartSize, MAX_PARTS, planParts } from './parted-upload';

const MIB = 1024 * 1024;

describe('planParts', () => {
  it('uses the configured part size while the file fits in 10,000 parts', () => {
    expect(planParts(5 * 1024 * MIB, 16 * MIB)).toEqual({ partSize: 16 * MIB, partCount: 320 });
    expect(planParts(16 * MIB + 1, 16 * MIB)).toEqual({ partSize: 16 * MIB, partCount: 2 });
  });

  it('raises the part size, in whole MiB, for a file that would need more than 10,000 parts', () => {
    const size = 100_000 * MIB + 123;
    const plan = planParts(size, 5 * MIB);
    expect(plan.partSize % MIB).toBe(0);
    expect(plan.partCount).toBeLessThanOrEqual(MAX_PARTS);
    expect(plan.partSize * plan.partCount).toBeGreaterThanOrEqual(size);
  });
});

describe('expectedPartSize', () => {
  it('is the part size for every part but the last, which has the rest', () => {
    const size = 13 * MIB + 7;
    const plan = planParts(size, 5 * MIB);
    expect(plan.partCount).toBe(3);
    expect([1, 2, 3].map((partNumber) => expectedPartSize(size, plan, partNumber))).toEqual([5 * MIB, 5 * MIB, 3 * MIB + 7]);
  });
});
