import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { LabError } from '../base/errors'
import type { ImageShape } from './dataset'
import { fileSource, type ByteSource } from './byte-source'
import { concatSources } from './concat-source'
import { CIFAR10_RECORD, CIFAR100_RECORD } from './cifar-format'
import { RecordDataset } from './record-dataset'
import { countClasses, parseLines, readClassNameFile, readTextFile, resolveClassNames } from './class-names'
import type { OpenOptions } from './open-options'

const SHAPE: ImageShape = [32, 32, 3]
/** Bytes read at a time while collecting the label bytes at open: a multiple of both record sizes, so no record straddles two chunks. */
const SCAN_BYTES = 3073 * 3074 * 2

/**
 * Opens CIFAR binary batches (several files read as one, in the order given). Pixels stay on
 * disk and are read at offsets; only the label bytes are collected at open. CIFAR-10 class names
 * come from batches.meta.txt, CIFAR-100 from fine_label_names.txt / coarse_label_names.txt.
 */
export async function openCifar(files: string[], kind: 10 | 100, options: OpenOptions = {}): Promise<RecordDataset> {
  const record = kind === 10 ? CIFAR10_RECORD : CIFAR100_RECORD
  const coarse = kind === 100 && options.labelSet === 'coarse'
  const labelOffset = coarse ? 0 : kind === 100 ? 1 : 0
  const maxLabel = kind === 10 ? 9 : coarse ? 19 : 99
  const parts: ByteSource[] = []
  try {
    for (const file of files) {
      const part = await fileSource(file)
      parts.push(part)
      if (part.size % record !== 0 || part.size === 0) {
        throw new LabError(
          'DATA_FORMAT',
          `${basename(file)} has ${part.size} bytes, which is not a whole number of ${record}-byte CIFAR-${kind} records (${record - 3072} label byte${record - 3072 > 1 ? 's' : ''} + 3072 pixel bytes): the file is truncated or is not CIFAR-${kind} binary.`,
          file,
        )
      }
    }
    const labels = new Int32Array(parts.reduce((n, p) => n + p.size / record, 0))
    let next = 0
    for (const part of parts) {
      for (let at = 0; at < part.size; at += SCAN_BYTES) {
        const chunk = await part.read(at, Math.min(SCAN_BYTES, part.size - at))
        for (let r = 0; r < chunk.length; r += record) {
          const label = chunk[r + labelOffset]
          if (label > maxLabel) {
            throw new LabError(
              'DATA_FORMAT',
              `Record ${(at + r) / record} of ${basename(part.file)} has label ${label}, but CIFAR-${kind} labels run 0 to ${maxLabel}: the file is not CIFAR-${kind} binary (or is damaged).`,
              part.file,
            )
          }
          labels[next++] = label
        }
      }
    }
    const folder = dirname(files[0])
    const classes = resolveClassNames(await readClassNameFile(folder), await formatClassNames(folder, kind, coarse), labels, files[0])
    const source = concatSources(parts)
    const split = files.length > 1 ? `${files.length} batches` : basename(files[0])
    return new RecordDataset(
      {
        name: options.name ?? `CIFAR-${kind} ${split}${kind === 100 ? (coarse ? ' (coarse labels)' : ' (fine labels)') : ''}`,
        format: kind === 10 ? 'cifar10-bin' : 'cifar100-bin',
        source: files.length > 1 ? folder : files[0],
        count: labels.length,
        shape: SHAPE,
        valueRange: [0, 255],
        classes,
        classCounts: countClasses(labels, classes.length),
        skipped: [],
      },
      labels,
      source,
      { first: 0, stride: record, pixelOffset: record - 3072, shape: SHAPE, order: 'chw', dtype: 'u8', valueRange: [0, 255] },
      files,
    )
  } catch (e) {
    await Promise.all(parts.map((p) => p.close()))
    throw e
  }
}

async function formatClassNames(folder: string, kind: 10 | 100, coarse: boolean): Promise<string[] | null> {
  const name = kind === 10 ? 'batches.meta.txt' : coarse ? 'coarse_label_names.txt' : 'fine_label_names.txt'
  const file = join(folder, name)
  return existsSync(file) ? parseLines(await readTextFile(file)) : null
}
