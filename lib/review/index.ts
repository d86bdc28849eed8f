export { queueSql } from './filters';
export { reviewPage, REVIEW_PAGE_SIZE, MAX_REVIEW_PAGE_SIZE, type ReviewItem, type ReviewPage, type ReviewPageResult } from './queue';
export { reviewCounts, countMatching, type ReviewCounts } from './counts';
export { checkItems, decide, itemsMatching, OUTCOME_STATUS, REVIEW_CHUNK, type ItemResult, type ItemOutcome, type Reviewer, type DecisionSummary } from './decide';
export { coverage, missingAltCsv, csvCell, COVERAGE_BUCKETS, type Coverage, type CoverageBucket, type CoverageCounts, type CoverageRow } from './coverage';
export * from './vocabulary';
export { localeReviewPage, localeCounts, localeCoverage, localeItemsMatching } from './locale-queue';
export { queueLocale, localeQueueStatus, summarise } from './request';
