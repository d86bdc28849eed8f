export { runBulkAction, countMatching, bulkActionSchema, bulkSelectionSchema, type BulkAction, type BulkActionName, type BulkActor, type BulkSummary, type BulkResult } from './bulk';
export { moveToTrash, restoreFromTrash, emptyTrash, trashEntry, trashPage, MAX_BULK_ITEMS, type ItemResult, type TrashEntry, type TrashPage } from './trash';
export { purgeDate } from './purge-step';
export { purgeStep } from './purge-step';
