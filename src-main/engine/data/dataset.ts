/** Shape of one image: height, width, channels (NHWC layout without N). */
export type ImageShape = [number, number, number]

export interface DatasetInfo {
  /** Human name, e.g. "MNIST test (embedded subset)". */
  name: string
  /** Reader that opened it: 'idx' | 'cifar10-bin' | 'cifar100-bin' | 'image-folder' | 'npy' | ... */
  format: string
  /** Path the user chose (file or folder). */
  source: string
  count: number
  shape: ImageShape
  /** Range of the stored pixel values, e.g. [0, 255] for uint8 files. read() always returns [0, 1]. */
  valueRange: [number, number]
  classes: string[]
  classCounts: number[]
  /** Files that were skipped (unreadable images in a folder), with the reason. */
  skipped: { file: string; reason: string }[]
  /** How images of other sizes were brought to `shape` (image folders), if at all. */
  resize?: string
  /** The split opened, where the folder holds train and test as separate files. */
  split?: 'train' | 'test'
  /** Every split the folder holds (test first), for formats that keep them as separate files. */
  splits?: ('train' | 'test')[]
  /** Image folders: the sizes found among up to `sizesSampled` images spread over the folder, most frequent first. */
  originalSizes?: { height: number; width: number; count: number }[]
  sizesSampled?: number
}

/**
 * A data set opened lazily: the header is read at open time, pixels on demand.
 * Pixels come back as float32 in [0, 1], NHWC, whatever the stored range was.
 */
export interface Dataset {
  readonly info: DatasetInfo
  /** Labels of every image (class indices into info.classes). */
  labels(): Int32Array
  /** Images at `indices`, as float32 [0, 1] NHWC, length indices.length * h * w * c. */
  read(indices: ArrayLike<number>): Promise<Float32Array>
  /** Images at `indices` as uint8 0..255 NHWC (thumbnails, PNG export). */
  readBytes(indices: ArrayLike<number>): Promise<Uint8Array>
  close?(): Promise<void>
}
