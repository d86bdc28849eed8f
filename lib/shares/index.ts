export { createShare, listShares, revokeShare, openShare, sharedIds, sharedPage, toShareView, MAX_SHARE_DAYS, SHARE_PAGE_SIZE } from './shares';
export type { ShareRequest, ShareSelection, ShareStatus, ShareView, SharedPage, SharedPhoto } from './shares';
