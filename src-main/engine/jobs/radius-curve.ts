import * as tf from '@tensorflow/tfjs-core'
import type { RadiusCurve } from '../../protocol/spectral'
import type { Dataset } from '../data/dataset'
import type { JobContext } from '../base/job-context'
import type { Classifier } from '../models/classifier'
import { decompose, halfDiagonal, type MaskOptions } from '../spectral'
import { forEachBatch } from './batches'
import { predictBatch } from './predict'

/** Integer radii 1 .. ceil(half-diagonal): beyond that x_l = x (docs/algorithms.md §Beyond the paper, accuracy versus radius). */
export function defaultRadii(h: number, w: number): number[] {
  return Array.from({ length: Math.ceil(halfDiagonal(h, w)) }, (_, i) => i + 1)
}

/** Accuracy of f on x_l(r) and on x_h(r) for every radius, with clean accuracy as the reference. */
export async function radiusCurve(
  model: Classifier,
  dataset: Dataset,
  indices: Int32Array,
  radii: number[],
  mask: MaskOptions,
  ctx: JobContext<RadiusCurve>,
): Promise<RadiusCurve> {
  const low = new Array<number>(radii.length).fill(0)
  const high = new Array<number>(radii.length).fill(0)
  let clean = 0
  let seen = 0
  const phase = 'accuracy versus radius'
  await forEachBatch(dataset, indices, 256, ctx, phase, async ({ offset, labels, images }) => {
    const count = (labelsOut: Int32Array) => labelsOut.reduce((s, v, k) => s + (v === labels[k] ? 1 : 0), 0)
    clean += count((await predictBatch(model, images)).labels)
    for (let j = 0; j < radii.length; j++) {
      const parts = decompose(images, radii[j], mask)
      low[j] += count((await predictBatch(model, parts.low)).labels)
      high[j] += count((await predictBatch(model, parts.high)).labels)
      tf.dispose([parts.low, parts.high])
      // A batch costs two predictions per radius: progress moves per radius, not once per batch.
      ctx.progress(offset + (labels.length * (j + 1)) / radii.length, indices.length, phase)
    }
    seen += labels.length
    ctx.partial({ radii, low: low.map((v) => v / seen), high: high.map((v) => v / seen), clean: clean / seen, n: seen })
  })
  const n = Math.max(seen, 1)
  return { radii, low: low.map((v) => v / n), high: high.map((v) => v / n), clean: clean / n, n: seen }
}
