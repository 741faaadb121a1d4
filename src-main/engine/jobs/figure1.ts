import * as tf from '@tensorflow/tfjs-core'
import type { Figure1Partial, Figure1Result, Figure1Sample } from '../../protocol/spectral'
import type { Dataset } from '../data/dataset'
import type { JobContext } from '../base/job-context'
import type { Classifier } from '../models/classifier'
import { decompose, type MaskOptions } from '../spectral'
import { forEachBatch } from './batches'
import { predictBatch, type Predictions } from './predict'

const at = (p: Predictions, k: number) => ({ label: p.labels[k], confidence: p.confidences[k] })

/**
 * docs/algorithms.md §Figure-1 search: keep samples with f(x)=y, f(x_h)=y, f(x_l)!=y (and count the converse). Streams the
 * running counts after every batch so the view fills in while it runs.
 */
export async function figure1Search(
  model: Classifier,
  dataset: Dataset,
  indices: Int32Array,
  radius: number,
  mask: MaskOptions,
  ctx: JobContext<Figure1Partial>,
): Promise<Figure1Result> {
  const result: Figure1Result = {
    radius,
    total: 0,
    highOnly: [],
    lowOnly: [],
    counts: { clean: 0, low: 0, high: 0, highOnly: 0, lowOnly: 0 },
  }
  await forEachBatch(dataset, indices, 256, ctx, 'figure 1 search', async ({ indices: ids, labels, images }) => {
    const { low, high } = decompose(images, radius, mask)
    const [p, pl, ph] = [await predictBatch(model, images), await predictBatch(model, low), await predictBatch(model, high)]
    tf.dispose([low, high])
    for (let k = 0; k < ids.length; k++) {
      const y = labels[k]
      const ok = p.labels[k] === y
      const okLow = pl.labels[k] === y
      const okHigh = ph.labels[k] === y
      result.counts.clean += ok ? 1 : 0
      result.counts.low += okLow ? 1 : 0
      result.counts.high += okHigh ? 1 : 0
      const sample: Figure1Sample = { index: ids[k], label: y, original: at(p, k), low: at(pl, k), high: at(ph, k) }
      if (ok && okHigh && !okLow) result.highOnly.push(sample)
      if (ok && okLow && !okHigh) result.lowOnly.push(sample)
    }
    result.total += ids.length
    result.counts.highOnly = result.highOnly.length
    result.counts.lowOnly = result.lowOnly.length
    ctx.partial({ total: result.total, counts: { ...result.counts } })
  })
  return result
}
