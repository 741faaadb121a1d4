import { basename, dirname } from 'node:path'
import { LabError } from '../base/errors'
import { checkClassLabel, checkImageShape } from '../base/input-limits'
import type { ImageShape } from './dataset'
import { RecordDataset } from './record-dataset'
import type { PixelType, RecordLayout } from './record-layout'
import { arraysIn, siblingArrays, type NpyArrayRef } from './npy-arrays'
import { elementCount, NPY_TYPES } from './npy-format'
import { chooseSplit } from './split-choice'
import { countClasses, readClassNameFile, resolveClassNames } from './class-names'
import type { OpenOptions } from './open-options'
import type { ByteSource } from './byte-source'

const IMAGE_TYPES: Record<string, PixelType> = { u1: 'u8', f4: 'f32', f8: 'f64' }
const LABEL_NAME = /(label|target|class|^y|_y$|^y_)/i
/** Images sampled to infer the value range of a float array. */
const RANGE_SAMPLE = 64

/**
 * Opens NumPy images with their labels: a .npz holding both (np.savez(f, x_test=..., y_test=...)),
 * or an images .npy/.npz with the labels in another .npy/.npz beside it. Images are uint8 or
 * float, NHWC or NCHW (channels 1 or 3 decide which), or N,H,W for gray.
 */
export async function openNpy(path: string, options: OpenOptions = {}): Promise<RecordDataset> {
  const own = await arraysIn(path)
  const imageArrays = chooseSplit(own.filter(isImageArray), (a) => a.name, options.split)
  const images = imageArrays[0]
  if (!images) {
    const shapes = own.map((a) => `${a.name} (${a.header.shape.join('x')})`).join(', ')
    throw new LabError(
      'DATA_FORMAT',
      `${basename(path)} holds no images array (N,H,W or N,H,W,C or N,C,H,W): it has ${shapes || 'no arrays'}${options.split ? ` of the ${options.split} split` : ''}.`,
      path,
    )
  }
  const count = images.header.shape[0]
  const labelsRef =
    pickLabels(
      own.filter((a) => a !== images),
      images,
      options.split,
    ) ?? pickLabels(await siblingArrays(path), images, options.split)
  if (!labelsRef) {
    throw new LabError(
      'DATA_PAIR',
      `No labels array found for ${images.where}. Save the labels in the same .npz (np.savez(f, x=images, y=labels)) or as a .npy beside it with "labels" in its name.`,
      path,
    )
  }
  if (labelsRef.header.shape[0] !== count) {
    throw new LabError(
      'DATA_MISMATCH',
      `${labelsRef.where} holds ${labelsRef.header.shape[0]} labels but ${images.where} holds ${count} images. Use the labels array that belongs to these images.`,
      labelsRef.file,
    )
  }
  const labels = await readLabels(labelsRef)
  const layout = imageLayout(images)
  const source = await images.open()
  try {
    checkSize(images, source)
    if (layout.dtype !== 'u8') layout.valueRange = await floatRange(source, layout, Math.min(count, RANGE_SAMPLE))
    const classes = resolveClassNames(await readClassNameFile(dirname(path)), null, labels, labelsRef.file)
    return new RecordDataset(
      {
        name: options.name ?? (images.where === basename(path) ? basename(path) : images.where),
        format: 'npy',
        source: path,
        count,
        shape: layout.shape,
        valueRange: layout.valueRange,
        classes,
        classCounts: countClasses(labels, classes.length),
        skipped: [],
      },
      labels,
      source,
      layout,
      [...new Set([images.file, labelsRef.file])],
    )
  } catch (e) {
    await source.close()
    throw e
  }
}

export function isImageArray(a: NpyArrayRef): boolean {
  const n = a.header.shape.length
  return (n === 3 || n === 4) && a.header.type in IMAGE_TYPES
}

function isLabelArray(a: NpyArrayRef): boolean {
  return a.header.shape.length === 1 || a.header.shape.length === 2
}

/** The labels for `images`: same length and split first, then a labels-like name, then any 1-D/2-D array. */
function pickLabels(candidates: NpyArrayRef[], images: NpyArrayRef, split?: 'train' | 'test'): NpyArrayRef | null {
  const labelLike = candidates.filter(isLabelArray)
  if (labelLike.length === 0) return null
  const imageSplit = /(t10k|test)/i.test(images.where) ? 'test' : /train/i.test(images.where) ? 'train' : split
  const sameSplit = imageSplit ? chooseSplit(labelLike, (a) => a.where, imageSplit) : labelLike
  const pool = sameSplit.length > 0 ? sameSplit : labelLike
  const rank = (a: NpyArrayRef) => (a.header.shape[0] === images.header.shape[0] ? 0 : 2) + (LABEL_NAME.test(a.name) ? 0 : 1)
  return [...pool].sort((a, b) => rank(a) - rank(b))[0]
}

function imageLayout(images: NpyArrayRef): RecordLayout {
  const s = images.header.shape
  const dtype = IMAGE_TYPES[images.header.type]
  let shape: ImageShape
  let order: 'hwc' | 'chw' = 'hwc'
  if (s.length === 3) shape = [s[1], s[2], 1]
  else if (s[3] === 1 || s[3] === 3) shape = [s[1], s[2], s[3]]
  else if (s[1] === 1 || s[1] === 3) {
    shape = [s[2], s[3], s[1]]
    order = 'chw'
  } else {
    throw new LabError(
      'DATA_FORMAT',
      `${images.where} has shape (${s.join(', ')}): neither its last nor its second axis is 1 or 3 channels. Save images as N,H,W,C or N,C,H,W with 1 or 3 channels.`,
      images.file,
    )
  }
  checkImageShape(shape, images.where, images.file)
  const stride = elementCount(shape) * NPY_TYPES[images.header.type].bytes
  return { first: images.header.dataOffset, stride, pixelOffset: 0, shape, order, dtype, valueRange: [0, 255] }
}

function checkSize(images: NpyArrayRef, source: ByteSource): void {
  const expected = images.header.dataOffset + elementCount(images.header.shape) * NPY_TYPES[images.header.type].bytes
  if (source.size !== expected) {
    throw new LabError(
      source.size < expected ? 'DATA_TRUNCATED' : 'DATA_FORMAT',
      `${images.where} has ${source.size} bytes but its header promises shape (${images.header.shape.join(', ')}) of ${images.header.type} (${expected} bytes): the file is ${source.size < expected ? 'truncated' : 'longer than its header says'}. Save it again.`,
      images.file,
    )
  }
}

/** Float images are stored on [0, 1], [-1, 1] or [0, 255]; the first images decide which. */
async function floatRange(source: ByteSource, layout: RecordLayout, sample: number): Promise<[number, number]> {
  if (sample === 0) return [0, 1]
  const bytes = await source.read(layout.first, sample * layout.stride)
  const values = layout.dtype === 'f32' ? new Float32Array(bytes.slice().buffer) : new Float64Array(bytes.slice().buffer)
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
  }
  if (max > 1.5) return [0, 255]
  return min < -1e-6 ? [-1, 1] : [0, 1]
}

async function readLabels(ref: NpyArrayRef): Promise<Int32Array> {
  const source = await ref.open()
  try {
    const [n, k = 1] = ref.header.shape
    if (k > 1) checkClassLabel(k - 1, `${ref.where} (one-hot rows of ${k})`, ref.file)
    const type = NPY_TYPES[ref.header.type]
    const bytes = await source.read(ref.header.dataOffset, n * k * type.bytes).catch(() => {
      throw new LabError('DATA_TRUNCATED', `${ref.where} ends before its ${n} labels: the file is truncated. Save it again.`, ref.file)
    })
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const value = (i: number): number => {
      const at = i * type.bytes
      if (type.float) return type.bytes === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true)
      if (type.bytes === 1) return type.signed ? view.getInt8(at) : view.getUint8(at)
      if (type.bytes === 2) return type.signed ? view.getInt16(at, true) : view.getUint16(at, true)
      if (type.bytes === 4) return type.signed ? view.getInt32(at, true) : view.getUint32(at, true)
      return Number(type.signed ? view.getBigInt64(at, true) : view.getBigUint64(at, true))
    }
    const labels = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      let best = 0
      if (k > 1) {
        for (let j = 1; j < k; j++) if (value(i * k + j) > value(i * k + best)) best = j
      } else {
        best = value(i)
        if (!Number.isInteger(best) || best < 0) {
          throw new LabError(
            'DATA_FORMAT',
            `Label ${i} in ${ref.where} is ${best}; labels must be class indices 0, 1, 2, ... (or one-hot rows).`,
            ref.file,
          )
        }
        checkClassLabel(best, `Label ${i} in ${ref.where}`, ref.file)
      }
      labels[i] = best
    }
    return labels
  } finally {
    await source.close()
  }
}
