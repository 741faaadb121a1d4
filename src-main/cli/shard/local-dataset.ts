import { createHash } from 'node:crypto'
import { fingerprint, openDataset, openDefaultDataset, type Dataset } from '../../engine/data'
import { selectIndices } from '../../engine/jobs/batches'
import type { DatasetSpec } from '../../protocol/data'
import type { SelectionOptions } from './shard-record'

/**
 * The data set opened in the CLI process itself (lazily, labels only): a shard needs the whole
 * selection to find its block, and the data set's fingerprint for shard.json.
 */
export async function openLocalDataset(spec: DatasetSpec): Promise<Dataset> {
  const { path, defaultId, ...options } = spec
  return defaultId ? openDefaultDataset(defaultId, options) : openDataset(path!, options)
}

/** The whole selection, before sharding, exactly as the engine's batch jobs select it. */
export function wholeSelection(dataset: Dataset, selection: SelectionOptions): Int32Array {
  return selectIndices(dataset, selection)
}

export function selectionSha256(indices: Int32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength))
    .digest('hex')
}

export { fingerprint as datasetFingerprint }
