export {
  connectionInput,
  connectionUpdate,
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  updateConnection,
  MAX_CONNECTIONS,
  type ConnectionInput,
  type ConnectionUpdate,
  type ConnectionView,
} from './connections';
export { connectorOf, useConnectorForTests } from './connectors';
export { listRuns, type RunView, type RunError } from './runs';
export { syncStep, requestSync, enqueueNightlySyncs, SYNC_MAX_ATTEMPTS } from './sync';
export { storeWritesStep } from './store-writes';
export { writebackStep, enqueueWritebacks, requestWriteback, countWritable, enqueueNightlyWritebacks, undoRun, writableText, WRITEBACK_MAX_ATTEMPTS } from './writeback';
export { writebackSubscriber } from './subscriber';
export { enqueueNightlyWork } from './nightly';
export { connectionCoverage, type ConnectionCoverage } from './coverage';
export { listConflicts, resolveConflict, type ConflictView, type ConflictDecision } from './conflicts';
export { callSlotStats } from './pacing';
