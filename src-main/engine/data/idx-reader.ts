import { basename, dirname } from 'node:path'
import { LabError } from '../base/errors'
import { checkImageShape } from '../base/input-limits'
import type { ImageShape } from './dataset'
import { openByteSource, readWholeFile } from './byte-source'
import { parseIdxHeader } from './idx-format'
import type { IdxPair } from './idx-pair'
import { RecordDataset } from './record-dataset'
import { countClasses, readClassNameFile, resolveClassNames } from './class-names'
import type { OpenOptions } from './open-options'

const UNSIGNED_BYTE = 0x08

/**
 * Opens an IDX images/labels pair (MNIST, Fashion-MNIST, EMNIST, KMNIST). A gzipped images file is
 * decompressed once and that one buffer serves every read; a plain one is read at offsets.
 * EMNIST files (names starting "emnist") store each image transposed and are read back upright.
 */
export async function openIdxPair(pair: IdxPair, options: OpenOptions = {}): Promise<RecordDataset> {
  const labels = await readIdxLabels(pair.labels)
  const source = await openByteSource(pair.images)
  try {
    const head = await source.read(0, Math.min(source.size, 20))
    const header = parseIdxHeader(pair.images, head)
    if (header.typeCode !== UNSIGNED_BYTE || (header.dims.length !== 3 && header.dims.length !== 4)) {
      throw new LabError(
        'DATA_FORMAT',
        `${basename(pair.images)} is not an IDX image file: it holds ${header.dims.length}-dimensional data of type 0x${header.typeCode.toString(16)}, but images need 3 or 4 dimensions of unsigned bytes (magic 0x00000803).`,
        pair.images,
      )
    }
    const [count, h, w, c = 1] = header.dims
    const shape: ImageShape = [h, w, c]
    checkImageShape(shape, basename(pair.images), pair.images)
    const stride = h * w * c
    const expected = header.headerBytes + count * stride
    if (source.size !== expected) {
      throw new LabError(
        source.size < expected ? 'DATA_TRUNCATED' : 'DATA_FORMAT',
        `${basename(pair.images)} has ${source.size} bytes but its header promises ${count} images of ${h}x${w}x${c} (${expected} bytes): ${source.size < expected ? 'the file is truncated' : 'the file has extra bytes'}. Copy or download it again.`,
        pair.images,
      )
    }
    if (labels.length !== count) {
      throw new LabError(
        'DATA_MISMATCH',
        `${basename(pair.labels)} holds ${labels.length} labels but ${basename(pair.images)} holds ${count} images. Use the labels file that belongs to these images.`,
        pair.labels,
      )
    }
    const classes = resolveClassNames(await readClassNameFile(dirname(pair.images)), null, labels, pair.labels)
    const transposed = basename(pair.images).toLowerCase().startsWith('emnist')
    return new RecordDataset(
      {
        name: options.name ?? `${basename(dirname(pair.images))}/${basename(pair.images)}`,
        format: 'idx',
        source: pair.images,
        count,
        shape,
        valueRange: [0, 255],
        classes,
        classCounts: countClasses(labels, classes.length),
        skipped: [],
      },
      labels,
      source,
      { first: header.headerBytes, stride, pixelOffset: 0, shape, order: transposed ? 'whc' : 'hwc', dtype: 'u8', valueRange: [0, 255] },
      [pair.images, pair.labels],
    )
  } catch (e) {
    await source.close()
    throw e
  }
}

/** Reads a whole IDX labels file (magic 0x00000801) into class indices. */
export async function readIdxLabels(file: string): Promise<Int32Array> {
  const bytes = await readWholeFile(file)
  const header = parseIdxHeader(file, bytes.subarray(0, Math.min(bytes.length, 8)))
  if (header.typeCode !== UNSIGNED_BYTE || header.dims.length !== 1) {
    throw new LabError(
      'DATA_FORMAT',
      `${basename(file)} is not an IDX labels file: labels need one dimension of unsigned bytes (magic 0x00000801).`,
      file,
    )
  }
  const count = header.dims[0]
  const expected = header.headerBytes + count
  if (bytes.length !== expected) {
    throw new LabError(
      bytes.length < expected ? 'DATA_TRUNCATED' : 'DATA_FORMAT',
      `${basename(file)} has ${bytes.length} bytes but its header promises ${count} labels (${expected} bytes): ${bytes.length < expected ? 'the file is truncated' : 'the file has extra bytes'}. Copy or download it again.`,
      file,
    )
  }
  return Int32Array.from(bytes.subarray(header.headerBytes))
}
