export interface SpaceReport {
  /** Free bytes on the storage disk; absent for object stores, which report none. */
  freeBytes?: number;
  /** True when free space is below ten of the largest uploads or 5% of the disk, whichever is more. */
  lowSpace: boolean;
  warning?: string;
}

/** What /api/health says about space: low before it runs out, so operators act before uploads fail with 507. */
export function storageSpace(space: { freeBytes: number; totalBytes: number } | null, uploadMaxBytes: number): SpaceReport {
  if (!space) return { lowSpace: false };
  const floor = Math.max(10 * uploadMaxBytes, 0.05 * space.totalBytes);
  if (space.freeBytes >= floor) return { freeBytes: space.freeBytes, lowSpace: false };
  const mib = (bytes: number) => `${Math.floor(bytes / 1024 / 1024)} MiB`;
  return {
    freeBytes: space.freeBytes,
    lowSpace: true,
    warning: `Storage space is low: ${mib(space.freeBytes)} free, under the ${mib(floor)} Loupe keeps in reserve. Free space or grow the disk before uploads fail.`,
  };
}
