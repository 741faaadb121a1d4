import type { ImageShape } from './dataset'

/** How samples are stored in the file: u8 bytes, or little-endian floats (NumPy). */
export type PixelType = 'u8' | 'f32' | 'f64'

export const PIXEL_BYTES: Record<PixelType, number> = { u8: 1, f32: 4, f64: 8 }

/**
 * Where fixed-size image records sit in a byte source. `order` is the storage order of one
 * image: 'hwc' (IDX, NumPy NHWC), 'chw' (CIFAR planes, NumPy NCHW) or 'whc' (EMNIST, stored
 * transposed); reads always return HWC.
 */
export interface RecordLayout {
  /** Byte offset of record 0. */
  first: number
  /** Bytes from one record to the next. */
  stride: number
  /** Offset of the pixels inside a record (CIFAR records start with label bytes). */
  pixelOffset: number
  shape: ImageShape
  order: 'hwc' | 'chw' | 'whc'
  dtype: PixelType
  /** Range of the stored values; read() maps it onto [0, 1]. */
  valueRange: [number, number]
}

export function pixelCount(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2]
}

/** For each HWC output position, the element index inside the stored image. */
export function storageIndex(layout: RecordLayout): Int32Array | null {
  if (layout.order === 'hwc') return null
  const [h, w, c] = layout.shape
  const map = new Int32Array(h * w * c)
  let o = 0
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        map[o++] = layout.order === 'chw' ? (ch * h + y) * w + x : (x * h + y) * c + ch
      }
    }
  }
  return map
}
