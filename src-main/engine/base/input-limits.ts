import { basename } from 'node:path'
import { LabError } from './errors'

/**
 * What a data set or model file may make the engine allocate. Every size a reader takes from a
 * file is bounded twice: by what the file can hold (its bytes, its entries) and by these stated
 * limits, so that a damaged or hostile file gets a named error instead of exhausting memory.
 * The README's "Limits on input files" lists them; change both together.
 */
export const INPUT_LIMITS = {
  /** Classes of a data set (labels 0 to maxClasses - 1) and entries of classes.json / labels.txt. */
  maxClasses: 100_000,
  /**
   * Bytes of a file read whole into memory after decompression: a .gz data file, a deflated .npz
   * or .keras entry, an IDX labels file. Uncompressed data files are read from disk as needed.
   */
  maxInMemoryBytes: 512 * 2 ** 20,
  /** Height or width of a data set's images and of a model's input. */
  maxImageSide: 4096,
  /** Height x width x channels of one model input image (2048 x 2048 x 3). */
  maxInputElements: 2048 * 2048 * 3,
  /** A text file read whole beside a data set (classes.json, labels.txt, batches.meta.txt). */
  maxTextFileBytes: 16 * 2 ** 20,
} as const

/** zlib output chunk while decompressing whole files: large chunks inflate several times faster than the 16 KiB default. */
export const INFLATE_CHUNK_BYTES = 2 ** 20

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(0)} MiB`
  return `${bytes} bytes`
}

/** A file or entry that, decompressed, would pass the in-memory cap (a very large file, a damaged one or a decompression bomb). */
export function tooLargeForMemory(file: string, what: string): LabError {
  return new LabError(
    'DATA_TOO_LARGE',
    `${what} holds more than ${formatBytes(INPUT_LIMITS.maxInMemoryBytes)} once decompressed, HFC Lab's limit for data read whole into memory (it may also be damaged or built to exhaust memory). Decompress it yourself and open the uncompressed file, which is read from disk as needed.`,
    file,
  )
}

/** Rejects a class label (from a labels array, a folder name or a file name) past the class limit. */
export function checkClassLabel(label: number, where: string, file: string): void {
  if (label >= INPUT_LIMITS.maxClasses) {
    throw new LabError(
      'DATA_TOO_MANY_CLASSES',
      `${where} has the class label ${label}, but HFC Lab handles at most ${INPUT_LIMITS.maxClasses.toLocaleString('en-US')} classes (labels 0 to ${INPUT_LIMITS.maxClasses - 1}). Number the classes from 0 without gaps.`,
      file,
    )
  }
}

/** Rejects a data set image shape with an empty side or a side past the limit. */
export function checkImageShape(shape: readonly number[], where: string, file: string): void {
  const [h, w] = shape
  if (!(h >= 1 && w >= 1) || h > INPUT_LIMITS.maxImageSide || w > INPUT_LIMITS.maxImageSide) {
    throw new LabError(
      'DATA_IMAGE_SIZE',
      `${where} holds images of ${h}x${w} pixels; HFC Lab reads images of 1 to ${INPUT_LIMITS.maxImageSide} pixels per side. Check that the file is not damaged, or resize the images.`,
      file,
    )
  }
}

/** Rejects a model input that no image fits (an empty axis) or that is too large to run. */
export function checkModelInput(shape: readonly number[], source: string): void {
  const [h, w, c] = shape
  const elements = h * w * c
  if (
    !shape.every((d) => Number.isInteger(d) && d >= 1) ||
    h > INPUT_LIMITS.maxImageSide ||
    w > INPUT_LIMITS.maxImageSide ||
    elements > INPUT_LIMITS.maxInputElements
  ) {
    throw new LabError(
      'MODEL_INPUT_TOO_LARGE',
      `${basename(source)} takes inputs of ${shape.join('x')}; HFC Lab runs models whose input has 1 to ${INPUT_LIMITS.maxImageSide} pixels per side and at most ${INPUT_LIMITS.maxInputElements.toLocaleString('en-US')} values (2048x2048x3). Export the model for a smaller input size.`,
    )
  }
}
