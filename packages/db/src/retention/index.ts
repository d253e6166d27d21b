export { type BodyPartition, listBodyPartitions } from './body-partitions.js';
export { lastRetentionPass, type RetentionPassOptions, runRetentionPass } from './pass.js';
export {
  eventCutoff,
  horizonsOf,
  payloadCutoff,
  type RetentionHorizons,
  type RetentionPolicy,
} from './policy.js';
export type { Removal, RemovedKind, RetentionReport } from './report.js';
export {
  readStorageFigures,
  readTableSizes,
  type SourceFigures,
  type StorageFigures,
  type TableSize,
} from './storage-figures.js';
