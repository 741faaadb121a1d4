import type { JobContext } from '../base/job-context'
import { displayPixels } from './display-pixels'
import { runGalleryBatches, type GalleryBatch } from './gallery-batches'
import type { GalleryRequest, GalleryRowWithPixels, GalleryRowsPartial, GallerySummary } from './types'

/** The batch's kept rows with their display pixels, as the grid receives them. */
export function rowsPartial(batch: GalleryBatch, request: GalleryRequest, done: number): GalleryRowsPartial {
  const shape = request.dataset.info.shape
  const kept = batch.rows.map((_, i) => i).filter((i) => batch.keep[i])
  const size = shape[0] * shape[1] * shape[2]
  const pick = (values: Float32Array) => {
    const out = new Float32Array(kept.length * size)
    kept.forEach((i, slot) => out.set(values.subarray(i * size, (i + 1) * size), slot * size))
    return out
  }
  const adversarial = Object.fromEntries(Object.entries(batch.adversarial).map(([key, values]) => [key, pick(values)]))
  const linf = Object.fromEntries(Object.entries(batch.linf).map(([key, values]) => [key, Float32Array.from(kept, (i) => values[i])]))
  const pixels = kept.length ? displayPixels(pick(batch.clean), adversarial, linf, kept.length, shape) : []
  const rows: GalleryRowWithPixels[] = kept.map((i, slot) => ({ ...batch.rows[i], pixels: pixels[slot] }))
  return { type: 'gallery-rows', rows, done, total: request.indices.length }
}

/**
 * The adversarial gallery (the paper's Appendix C): attacks every selected sample with every
 * chosen attack, streams the rows with their display pixels after each batch
 * (ctx.partial(GalleryRowsPartial)), and returns the statistics and the rows without pixels.
 */
export async function runGallery(request: GalleryRequest, ctx: JobContext<GalleryRowsPartial>): Promise<GallerySummary> {
  const { summary } = await runGalleryBatches(request, ctx, async (batch) => {
    ctx.partial(rowsPartial(batch, request, batch.offset + batch.indices.length))
  })
  return summary
}
