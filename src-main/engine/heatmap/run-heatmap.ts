import * as tf from '@tensorflow/tfjs-core'
import { DROP_UNIT, type FourierHeatmap } from '../../protocol/heatmap'
import type { Dataset } from '../data/dataset'
import { batchLogits } from '../scoring'
import { engineOf } from '../compute/forward'
import { throwIfCancelled, type JobContext } from '../base/job-context'
import type { Classifier } from '../models/classifier'
import { fourierBasisImage, heatmapFrequencies, perturbationSigns, perturbInto } from './fourier-basis'

export interface HeatmapOptions {
  eps: number
  stride: number
  seed: number
  defense: string
  /** Images per forward pass; by default about 200,000 pixel values (255 MNIST digits, 65 CIFAR images). */
  forwardBatch?: number
}

/** Top-1 class and the softmax probability of class `label` from one row of logits. */
function rowStats(logits: Float32Array, row: number, classes: number, label: number): { top: number; p: number } {
  const base = row * classes
  let top = 0
  for (let j = 1; j < classes; j++) if (logits[base + j] > logits[base + top]) top = j
  const max = logits[base + top]
  let sum = 0
  for (let j = 0; j < classes; j++) sum += Math.exp(logits[base + j] - max)
  return { top, p: Math.exp(logits[base + label] - max) / sum }
}

async function logitsOf(model: Classifier, pixels: Float32Array, n: number, shape: [number, number, number]): Promise<Float32Array> {
  const images = tf.tensor4d(pixels.subarray(0, n * shape[0] * shape[1] * shape[2]), [n, ...shape])
  try {
    return await batchLogits(model, images)
  } finally {
    images.dispose()
  }
}

/** Images read and kept at once: at least a forward batch, and enough that each basis image serves many. */
const MIN_BLOCK = 32

/**
 * The Fourier heat map of `model` over the images `indices` (docs/algorithms.md §Fourier heat map):
 * for every frequency pair, each image plus eps * (random sign per channel) * the unit basis image,
 * clipped to [0, 1]; counts of misclassified perturbed images and summed true-class confidence
 * drops. Images are read in blocks; within a block the (frequency, image) pairs are packed into
 * forward passes of a fixed size, so a few images still fill a pass and a large image costs one
 * basis per frequency per block. Progress after every pass, cancellation checked before each.
 */
export async function fourierHeatmap(
  model: Classifier,
  dataset: Dataset,
  indices: Int32Array,
  options: HeatmapOptions,
  ctx: JobContext,
): Promise<FourierHeatmap> {
  const shape = dataset.info.shape
  const [h, w, c] = shape
  const size = h * w * c
  const frequencies = heatmapFrequencies(h, w, options.stride)
  const count = frequencies.length / 2
  const classes = model.info.classes.length
  const forwardBatch = Math.max(1, options.forwardBatch ?? Math.min(256, Math.floor(200_000 / size)))
  const blockSize = Math.max(forwardBatch, MIN_BLOCK)
  const errors = new Int32Array(count)
  const dropUnits = new Float64Array(count)
  const engine = engineOf(model)?.forwardScorer ? 'onnxruntime' : tf.getBackend()
  const allLabels = dataset.labels()
  const total = indices.length * (count + 1)
  let done = 0
  let cleanErrors = 0
  const phase = 'Fourier heat map'
  ctx.progress(0, total, phase)

  const batch = new Float32Array(forwardBatch * size)
  for (let start = 0; start < indices.length; start += blockSize) {
    throwIfCancelled(ctx.signal)
    const ids = indices.subarray(start, Math.min(start + blockSize, indices.length))
    const m = ids.length
    const labels = Int32Array.from(ids, (i) => allLabels[i])
    const pixels = await dataset.read(ids)
    const cleanP = new Float64Array(m)
    for (let i0 = 0; i0 < m; i0 += forwardBatch) {
      throwIfCancelled(ctx.signal)
      const rows = Math.min(forwardBatch, m - i0)
      const logits = await logitsOf(model, pixels.subarray(i0 * size), rows, shape)
      for (let r = 0; r < rows; r++) {
        const { top, p } = rowStats(logits, r, classes, labels[i0 + r])
        cleanP[i0 + r] = p
        if (top !== labels[i0 + r]) cleanErrors++
      }
      done += rows
      ctx.progress(done, total, phase)
    }

    // The pairs (f, i) of this block in f-major order, packed `forwardBatch` to a pass.
    const pending: { f: number; i: number }[] = []
    const flush = async () => {
      throwIfCancelled(ctx.signal)
      const logits = await logitsOf(model, batch, pending.length, shape)
      pending.forEach(({ f, i }, r) => {
        const { top, p } = rowStats(logits, r, classes, labels[i])
        if (top !== labels[i]) errors[f]++
        dropUnits[f] += Math.round((cleanP[i] - p) / DROP_UNIT)
      })
      done += pending.length
      pending.length = 0
      ctx.progress(done, total, phase)
    }
    for (let f = 0; f < count; f++) {
      const u = frequencies[2 * f]
      const v = frequencies[2 * f + 1]
      const basis = Float32Array.from(fourierBasisImage(u, v, h, w))
      for (let i = 0; i < m; i++) {
        const signs = perturbationSigns(options.seed, ids[i], u, v, h, w, c)
        perturbInto(batch, pending.length * size, pixels.subarray(i * size, (i + 1) * size), basis, signs, options.eps, c)
        pending.push({ f, i })
        if (pending.length === forwardBatch) await flush()
      }
    }
    if (pending.length) await flush()
  }
  return {
    shape: [h, w, c],
    eps: options.eps,
    stride: options.stride,
    seed: options.seed,
    defense: options.defense,
    n: indices.length,
    cleanErrors,
    frequencies,
    errors,
    dropUnits,
    engine,
  }
}
