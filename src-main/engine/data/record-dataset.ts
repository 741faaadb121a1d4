import type { Dataset, DatasetInfo } from './dataset'
import type { ByteSource } from './byte-source'
import { PIXEL_BYTES, pixelCount, storageIndex, type RecordLayout } from './record-layout'
import { checkIndices } from './check-indices'

/** Longest single read when consecutive records are fetched together. */
const MAX_RUN_BYTES = 8 << 20

/**
 * A data set of fixed-size image records in one byte source (IDX, CIFAR binary, NumPy). Pixels
 * are fetched on demand, consecutive indices in one read; labels are held in memory.
 */
export class RecordDataset implements Dataset {
  private readonly order: Int32Array | null
  private readonly elements: number

  constructor(
    readonly info: DatasetInfo,
    private readonly labelArray: Int32Array,
    private readonly source: ByteSource,
    private readonly layout: RecordLayout,
    /** Files whose bytes make up this data set (for fingerprints). */
    readonly files: readonly string[],
  ) {
    this.order = storageIndex(layout)
    this.elements = pixelCount(layout.shape)
  }

  labels(): Int32Array {
    return this.labelArray
  }

  async read(indices: ArrayLike<number>): Promise<Float32Array> {
    const out = new Float32Array(indices.length * this.elements)
    const [lo, hi] = this.layout.valueRange
    const scale = 1 / (hi - lo)
    await this.eachRecord(indices, (values, slot) => {
      const base = slot * this.elements
      for (let i = 0; i < this.elements; i++) {
        const v = (values(i) - lo) * scale
        out[base + i] = v < 0 ? 0 : v > 1 ? 1 : v
      }
    })
    return out
  }

  async readBytes(indices: ArrayLike<number>): Promise<Uint8Array> {
    const out = new Uint8Array(indices.length * this.elements)
    const [lo, hi] = this.layout.valueRange
    const scale = 255 / (hi - lo)
    const direct = this.layout.dtype === 'u8' && lo === 0 && hi === 255
    await this.eachRecord(indices, (values, slot) => {
      const base = slot * this.elements
      for (let i = 0; i < this.elements; i++) {
        out[base + i] = direct ? values(i) : Math.round((values(i) - lo) * scale)
      }
    })
    return out
  }

  async close(): Promise<void> {
    await this.source.close()
  }

  /** Calls `visit` once per requested index with an accessor of its HWC values and its output slot. */
  private async eachRecord(indices: ArrayLike<number>, visit: (values: (i: number) => number, slot: number) => void): Promise<void> {
    checkIndices(indices, this.info.count, this.info.source)
    const { first, stride, pixelOffset, dtype } = this.layout
    const width = PIXEL_BYTES[dtype]
    const maxRun = Math.max(1, Math.floor(MAX_RUN_BYTES / stride))
    let start = 0
    while (start < indices.length) {
      let end = start + 1
      while (end < indices.length && end - start < maxRun && indices[end] === indices[end - 1] + 1) end++
      const bytes = await this.source.read(first + indices[start] * stride, (end - start) * stride)
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      for (let k = start; k < end; k++) {
        const at = (k - start) * stride + pixelOffset
        const pos = this.order
        const values =
          dtype === 'u8'
            ? pos
              ? (i: number) => bytes[at + pos[i]]
              : (i: number) => bytes[at + i]
            : dtype === 'f32'
              ? (i: number) => view.getFloat32(at + (pos ? pos[i] : i) * width, true)
              : (i: number) => view.getFloat64(at + (pos ? pos[i] : i) * width, true)
        visit(values, k)
      }
      start = end
    }
  }
}
