import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { batchLogits } from '../scoring'
import { defineAttack } from './base'
import type { DeepfoolParams } from './params'
import { gradientsOf } from './model-gradients'
import { logitMargins, passesMargin } from './margin'

/** Foolbox 3's overshoot, applied to the accumulated perturbation rather than to each step. */
const OVERSHOOT = 0.02
/** Foolbox 3 lengthens every step by this much beyond the linearised boundary. */
const STEP_EXTRA = 1e-4
/** Values of tiled images per backward pass; bounds memory for large inputs. */
const TILE_BUDGET = 1 << 23

/**
 * ∇ₓ(z_c − z_y) for every candidate class c of every sample, as rows [k * b + i] of one
 * gradient of a tiled batch: the loss Σ (z_c − z_y) over the tiles separates per row.
 */
async function differenceGradients(
  model: Classifier,
  x: tf.Tensor4D,
  labels: Int32Array,
  candidates: Int32Array[],
  classes: number,
): Promise<tf.Tensor2D> {
  const [b, h, w, c] = x.shape
  const k = candidates[0].length
  const perGroup = Math.max(1, Math.min(k, Math.floor(TILE_BUDGET / Math.max(1, b * h * w * c))))
  const gradients = gradientsOf(model)
  const parts: tf.Tensor2D[] = []
  for (let start = 0; start < k; start += perGroup) {
    const group = Math.min(perGroup, k - start)
    const weights = new Float32Array(group * b * classes)
    for (let g = 0; g < group; g++) {
      for (let i = 0; i < b; i++) {
        const cls = candidates[i][start + g]
        if (cls === labels[i]) continue
        weights[(g * b + i) * classes + cls] = 1
        weights[(g * b + i) * classes + labels[i]] = -1
      }
    }
    const tiled = tf.tile(x, [group, 1, 1, 1]) as tf.Tensor4D
    const mask = tf.tensor2d(weights, [group * b, classes])
    const { logits, grad } = await gradients.weightedLogits(tiled, mask)
    parts.push(tf.reshape(grad, [group * b, h * w * c]))
    tf.dispose([tiled, mask, logits, grad])
  }
  const out = parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D)
  if (parts.length > 1) tf.dispose(parts)
  return out
}

function gatherRows(values: Float32Array, rows: number[], size: number): Float32Array {
  const out = new Float32Array(rows.length * size)
  rows.forEach((i, r) => out.set(values.subarray(i * size, (i + 1) * size), r * size))
  return out
}

async function logitsOf(
  model: Classifier,
  values: Float32Array,
  rows: number[],
  size: number,
  shape: [number, number, number],
): Promise<Float32Array> {
  const batch = tf.tensor4d(gatherRows(values, rows, size), [rows.length, ...shape])
  try {
    return await batchLogits(model, batch)
  } finally {
    batch.dispose()
  }
}
/**
 * DeepFool (L2) with Foolbox 3's update (docs/algorithms.md §attacks): the candidates are the top
 * `subsample` classes of the clean logits other than the label; each step linearises z_c − z_y
 * for every candidate, takes the nearest linearised boundary, d = |z_c − z_y|/‖∇(z_c − z_y)‖ + 1e-4,
 * adds the step d·∇/‖∇‖ to the total perturbation p, and moves to clip(x₀ + 1.02·p). Because the
 * overshoot scales the whole path, the image ends past the boundary, not on it. A sample stops
 * once it passes the margin rule; one that is misclassified but nearer a tie keeps stepping (the
 * next step pushes the leading class further). All samples of the batch step together; the
 * first step scores the clean image, so the base's clean check is not used.
 */
export const run = defineAttack<DeepfoolParams>({
  name: 'deepfool',
  cleanCheck: false,
  extra: { steps: { type: 'int32', initial: 0 } },
  async run(attack) {
    const { model, images, labels, options, n, size, clean, queries } = attack
    const stepsTaken = attack.extra.steps

    const logits0 = await batchLogits(model, images)
    const classes = logits0.length / Math.max(n, 1)
    const k = Math.min(options.subsample, classes) - 1
    const candidates = Array.from({ length: n }, (_, i) => {
      const row = logits0.subarray(i * classes, (i + 1) * classes)
      const order = Array.from({ length: classes }, (_, c) => c).sort((a, b) => row[b] - row[a])
      return Int32Array.from(order.filter((c) => c !== labels[i]).slice(0, k))
    })

    // Current images and accumulated perturbations; only the rows of samples still stepping change.
    const current = new Float32Array(clean)
    const total = new Float32Array(images.size)
    const [, h, w, c] = images.shape
    let active = attack.active
    for (let step = 0; step <= options.steps && active.length > 0; step++) {
      attack.checkCancelled()
      const logits = await logitsOf(model, current, active, size, [h, w, c])
      const passes = passesMargin(
        logitMargins(
          logits,
          active.map((i) => labels[i]),
        ),
      )
      const still: number[] = []
      const rows: number[] = []
      active.forEach((i, row) => {
        queries[i] += 1
        if (passes[row]) {
          stepsTaken[i] = step
          attack.accept(i, current, i)
        } else if (step < options.steps) {
          still.push(i)
          rows.push(row)
        }
      })
      if (still.length === 0) break
      const xs = tf.tensor4d(gatherRows(current, still, size), [still.length, h, w, c])
      const gradients = await differenceGradients(
        model,
        xs,
        Int32Array.from(still, (i) => labels[i]),
        still.map((i) => candidates[i]),
        classes,
      )
      xs.dispose()
      const normsT = tf.tidy(() => tf.sqrt(tf.sum(tf.square(gradients), 1)))
      const gradNorms = (await normsT.data()) as Float32Array
      normsT.dispose()

      // Per sample: the nearest linearised boundary among the candidates, and the step towards it.
      const picks: number[] = []
      const scales: number[] = []
      still.forEach((i, s) => {
        const z = logits.subarray(rows[s] * classes, (rows[s] + 1) * classes)
        const y = labels[i]
        let best = 0
        let bestDistance = Infinity
        for (let j = 0; j < k; j++) {
          queries[i] += 1
          const distance = Math.abs(z[candidates[i][j]] - z[y]) / (gradNorms[j * still.length + s] + 1e-8)
          if (distance < bestDistance) {
            bestDistance = distance
            best = j
          }
        }
        picks.push(best * still.length + s)
        scales.push((bestDistance + STEP_EXTRA) / (gradNorms[best * still.length + s] + 1e-8))
      })
      const stepT = tf.tidy(() => tf.mul(tf.gather(gradients, tf.tensor1d(picks, 'int32')), tf.tensor2d(scales, [scales.length, 1])))
      const moves = (await stepT.data()) as Float32Array
      stepT.dispose()
      gradients.dispose()
      still.forEach((i, r) => {
        for (let q = 0; q < size; q++) {
          const at = i * size + q
          total[at] += moves[r * size + q]
          const v = clean[at] + (1 + OVERSHOOT) * total[at]
          current[at] = v < 0 ? 0 : v > 1 ? 1 : v
        }
      })
      active = still
      attack.progress(step + 1, options.steps)
    }
  },
})
