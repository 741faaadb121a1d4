export type { Dataset, DatasetInfo, ImageShape } from './dataset'
export type { OpenOptions, ResizeMode } from './open-options'
export type { DatasetReader } from './dataset-reader'
export { DATASET_READERS, detectFormat, openDataset } from './registry'
