export { backfillSelection, selectionFromStrings, selectionQuery, firstIssue, type BackfillSelection, type BackfillSelectionInput, type ParsedRequest } from './options';
export { countByReason, enqueueBackfill, ALT_REASONS, type ReasonCounts, type AltReason } from './selection';
export { altCoverage, providerStatuses, recentRuns, dryRun, describeDryRun, formatMinutes, type Coverage, type ProviderStatus, type DryRun } from './report';
export { runBackfill, type BackfillMode, type BackfillOptions, type BackfillResult, type BatchSubmission, type Progress, type StopReason } from './run';
export { notifyRunEnded } from './notify';
