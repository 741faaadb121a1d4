import * as tf from '@tensorflow/tfjs-core'
import type { SvdControlResult } from '../../protocol/spectral'
import type { Dataset } from '../data/dataset'
import type { JobContext } from '../base/job-context'
import type { Classifier } from '../models/classifier'
import { decompose, svdSplitMany, type MaskOptions } from '../spectral'
import { forEachBatch } from './batches'
import { predictBatch } from './predict'

/**
 * docs/algorithms.md §SVD check: the Figure-1 count with the SVD split in place of the Fourier one: f(x)=y, f(x_trail)=y
 * and f(x_dom)!=y, for each number k of trailing singular values, beside the Fourier count at r.
 */
export async function svdControl(
  model: Classifier,
  dataset: Dataset,
  indices: Int32Array,
  ks: number[],
  radius: number,
  mask: MaskOptions,
  ctx: JobContext,
): Promise<SvdControlResult> {
  const [h, w, c] = dataset.info.shape
  const valid = ks.filter((k) => k < Math.min(h, w))
  const counts = new Array<number>(valid.length).fill(0)
  let fourier = 0
  let n = 0
  await forEachBatch(dataset, indices, 128, ctx, 'SVD control', async ({ labels, images }) => {
    const size = labels.length
    const correct = (await predictBatch(model, images)).labels.map((v, k) => (v === labels[k] ? 1 : 0))
    const pixels = (await images.data()) as Float32Array
    const splits = svdSplitMany(pixels, size, h, w, c, valid)
    for (let j = 0; j < valid.length; j++) {
      const dom = tf.tensor4d(splits[j].dominant, [size, h, w, c])
      const trail = tf.tensor4d(splits[j].trailing, [size, h, w, c])
      const pd = await predictBatch(model, dom)
      const pt = await predictBatch(model, trail)
      tf.dispose([dom, trail])
      for (let k = 0; k < size; k++) if (correct[k] && pt.labels[k] === labels[k] && pd.labels[k] !== labels[k]) counts[j]++
    }
    const parts = decompose(images, radius, mask)
    const pl = await predictBatch(model, parts.low)
    const ph = await predictBatch(model, parts.high)
    tf.dispose([parts.low, parts.high])
    for (let k = 0; k < size; k++) if (correct[k] && ph.labels[k] === labels[k] && pl.labels[k] !== labels[k]) fourier++
    n += size
  })
  return { n, rows: valid.map((k, j) => ({ k, count: counts[j] })), fourier: { radius, count: fourier } }
}
