import { relative } from 'node:path'
import { LabError } from '../base/errors'
import type { Dataset, DatasetInfo } from './dataset'
import { checkIndices } from './check-indices'
import { decodeImage, type DecodeTarget } from './image-decode'
import type { ImageEntry } from './image-listing'
import { LruCache } from './lru-cache'

/** Decoded images kept for re-reads (thumbnails, then a batch job on the same images). */
const CACHE_BYTES = 64 << 20
/** Images decoded at once; sharp decodes on libuv's pool of 4 threads. */
const CONCURRENCY = 4

/** Images in files, decoded with sharp when read and brought to one size; a small LRU cache keeps recent ones. */
export class ImageFolderDataset implements Dataset {
  private readonly labelArray: Int32Array
  private readonly cache: LruCache<number, Uint8Array>
  private readonly imageBytes: number

  constructor(
    readonly info: DatasetInfo,
    private readonly entries: ImageEntry[],
    private readonly target: DecodeTarget,
  ) {
    this.labelArray = Int32Array.from(entries, (e) => e.label)
    this.imageBytes = target.height * target.width * target.channels
    this.cache = new LruCache(Math.max(16, Math.floor(CACHE_BYTES / this.imageBytes)))
  }

  /** The image files, in index order (for fingerprints). */
  get files(): string[] {
    return this.entries.map((e) => e.file)
  }

  labels(): Int32Array {
    return this.labelArray
  }

  async read(indices: ArrayLike<number>): Promise<Float32Array> {
    const bytes = await this.readBytes(indices)
    const out = new Float32Array(bytes.length)
    for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255
    return out
  }

  async readBytes(indices: ArrayLike<number>): Promise<Uint8Array> {
    checkIndices(indices, this.info.count, this.info.source)
    const out = new Uint8Array(indices.length * this.imageBytes)
    let next = 0
    const work = async () => {
      while (next < indices.length) {
        const slot = next++
        out.set(await this.image(indices[slot]), slot * this.imageBytes)
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, indices.length) }, work))
    return out
  }

  async close(): Promise<void> {
    this.cache.clear()
  }

  private async image(index: number): Promise<Uint8Array> {
    const hit = this.cache.get(index)
    if (hit) return hit
    const file = this.entries[index].file
    let pixels: Uint8Array
    try {
      pixels = await decodeImage(file, this.target)
    } catch (e) {
      throw new LabError(
        'DATA_IMAGE',
        `${relative(this.info.source, file) || file} cannot be decoded (${(e as Error).message}). Remove or replace it; the folder then opens without it.`,
        file,
      )
    }
    this.cache.set(index, pixels)
    return pixels
  }
}
