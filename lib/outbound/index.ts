export { judgeAddress, checkHost, literalRefusal, publicOnlyLookup, RefusedAddressError, type AddressVerdict, type HostProblem } from './addresses';
export {
  request,
  requestStream,
  parseRetryAfter,
  BodyTooLargeError,
  USER_AGENT,
  type OutboundRequest,
  type OutboundOptions,
  type OutboundFailure,
  type OutboundAnswer,
  type BufferedAnswer,
  type StreamedAnswer,
} from './client';
export { Pacer, systemClock, remoteWaitMs, MAX_REMOTE_WAIT_MS, type Clock, type PaceLimits, type PaceStats } from './pacer';
export { CostBucket, type ThrottleStatus, type CostStats, type CostBooking } from './cost-bucket';
