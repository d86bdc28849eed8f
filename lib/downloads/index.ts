export { requestDownload, runDownloadJob, zipStep, zipFilename, listDownloads, findDownload, photoFiles, removeExpiredDownloads, ZIP_MAX_ATTEMPTS, ZIP_MAX_RUN_MS } from './downloads';
export type { DownloadRequest, DownloadPlan, DownloadView } from './downloads';
export { zipPhotos, originals, renditions, ALT_TEXT_CSV, type PhotoFile, type PhotoFileSource, type ZipSummary } from './zip';
export { EntryNamer, safeSegment, type EntrySource } from './names';
export { resolveSelection, resolveCollection, newestInCollection, idsInLibrary, selectionFields, onlyOne, MAX_DOWNLOAD_PHOTOS, SELECTION_MAX_BODY_BYTES, type PhotoSelection } from './selection';
