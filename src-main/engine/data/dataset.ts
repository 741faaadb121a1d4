import type { DatasetSummary } from '../../protocol/data'
/** Shape of one image: height, width, channels (NHWC layout without N). */
export type ImageShape = [number, number, number]

/** What a data set says about itself: the protocol's DatasetSummary, sent as it is. */
export type DatasetInfo = DatasetSummary

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
