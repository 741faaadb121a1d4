import * as tf from '@tensorflow/tfjs-core'

/**
 * Values per chunk when a batch is split (images x h x w x c): about 26 images of 224 x 224 x 3.
 * Throughput on wasm is flat above ~1M values, and the heap grows by a few chunk copies at most.
 */
const CHUNK_ELEMENTS = 4_000_000

/**
 * Tensors up to this size (100 images of 224 x 224 x 3, 20,000 of 28 x 28) are processed in one
 * pass. Splitting a wasm tensor costs more than filtering it: its gather kernel copies at about
 * 125 MB/s and the pieces must be concatenated again (measured: 100 x 224 x 224 x 3, r = 32, 213 ms
 * in one pass against 910 ms in chunks of 26 images). Larger tensors are still split, so the wasm
 * heap, which never shrinks, stays bounded; typed-array batches are chunked for free (decomposeBatch).
 */
const SINGLE_PASS_ELEMENTS = 16_000_000

export interface ChunkBudget {
  /** Tensors with at most this many values are not split. */
  singlePass: number
  /** Values per chunk otherwise. */
  chunk: number
}

const DEFAULT_BUDGET: ChunkBudget = { singlePass: SINGLE_PASS_ELEMENTS, chunk: CHUNK_ELEMENTS }

/** Images per chunk so that a chunk holds about `chunk` values. */
export function chunkImages(h: number, w: number, c: number, chunk = CHUNK_ELEMENTS): number {
  return Math.max(1, Math.floor(chunk / (h * w * c)))
}

/** Calls `visit` on consecutive chunks of NHWC images (the whole tensor when it is small enough). */
export function forEachChunk(images: tf.Tensor4D, visit: (chunk: tf.Tensor4D) => void, budget = DEFAULT_BUDGET): void {
  const [n, h, w, c] = images.shape
  if (n * h * w * c <= budget.singlePass) {
    visit(images)
    return
  }
  const per = chunkImages(h, w, c, budget.chunk)
  for (let start = 0; start < n; start += per) {
    // gather copies only the chunk; wasm's slice would read the whole tensor back first.
    const chunk = tf.tidy(() => tf.gather(images, tf.range(start, Math.min(start + per, n), 1, 'int32')))
    visit(chunk)
    chunk.dispose()
  }
}

/** Maps NHWC images chunk by chunk and concatenates the results along the batch axis. */
export function mapChunks(images: tf.Tensor4D, map: (chunk: tf.Tensor4D) => tf.Tensor4D, budget = DEFAULT_BUDGET): tf.Tensor4D {
  const parts: tf.Tensor4D[] = []
  forEachChunk(images, (chunk) => parts.push(map(chunk)), budget)
  if (parts.length === 1) return parts[0]
  const joined = tf.concat(parts, 0)
  tf.dispose(parts)
  return joined
}
