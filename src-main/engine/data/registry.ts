import { basename, resolve } from 'node:path'
import { LabError } from '../base/errors'
import { asFormatError } from '../base/format-error'
import type { Dataset } from './dataset'
import type { DatasetReader } from './dataset-reader'
import type { OpenOptions } from './open-options'
import { probePath, type DatasetProbe } from './probe'
import { idxReader } from './idx-dataset-reader'
import { cifar100Reader, cifar10Reader } from './cifar-dataset-reader'
import { npyReader } from './npy-dataset-reader'
import { imageFileReader, imageFolderReader } from './image-folder-reader'

/** Every known format, most specific first: the first reader whose matches() accepts a path opens it. */
export const DATASET_READERS: readonly DatasetReader[] = [
  idxReader,
  cifar10Reader,
  cifar100Reader,
  npyReader,
  imageFolderReader,
  imageFileReader,
]

function readerFor(probe: DatasetProbe): DatasetReader {
  const reader = DATASET_READERS.find((r) => r.matches(probe))
  if (reader) return reader
  throw new LabError(
    'DATA_UNKNOWN_FORMAT',
    `${basename(probe.path)} is not a data set format HFC Lab reads. Choose one of: ${DATASET_READERS.map((r) => r.description).join('; ')}.`,
    probe.path,
  )
}

/** The format a path would be opened as, e.g. 'idx' or 'image-folder'. */
export async function detectFormat(path: string): Promise<string> {
  return readerFor(await probePath(resolve(path))).format
}

/** Opens a data set file or folder lazily with the reader that recognises it. */
export async function openDataset(path: string, options: OpenOptions = {}): Promise<Dataset> {
  const full = resolve(path)
  const probe = await probePath(full).catch((e: unknown) => {
    throw asFormatError(e, full, 'data', 'DATA_CORRUPT')
  })
  const reader = readerFor(probe)
  try {
    const dataset = await reader.open(probe, options)
    const splits = reader.splits?.(probe) ?? []
    // Which half opened, and what else the folder holds, so the UI can say so and offer the rest.
    if (splits.length) Object.assign(dataset.info, { splits, split: options.split ?? splits[0] })
    return dataset
  } catch (e) {
    throw asFormatError(e, full, reader.format, 'DATA_CORRUPT')
  }
}
