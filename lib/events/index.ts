export { recordEvents, type RecordOptions } from './record';
export { assetEventData, snapshotColumns, type AssetSnapshot } from './snapshot';
export { pruneEvents } from './prune';
export { subscribers } from './subscribers';
export type { EventType, RecordedEvent, EventSubscriber } from './types';
