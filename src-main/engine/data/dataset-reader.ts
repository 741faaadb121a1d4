import type { Dataset } from './dataset'
import type { DatasetProbe } from './probe'
import type { OpenOptions } from './open-options'

/** One data set format: how to recognise it (extension, magic bytes, folder contents) and open it. */
export interface DatasetReader {
  /** The DatasetInfo.format this reader produces. */
  format: string
  /** What it reads, for error messages and the UI. */
  description: string
  matches(probe: DatasetProbe): boolean
  open(probe: DatasetProbe, options: OpenOptions): Promise<Dataset>
  /** The splits a folder holds (train, test), for formats that keep them as separate files. */
  splits?(probe: DatasetProbe): ('train' | 'test')[]
}
