import * as tf from '@tensorflow/tfjs-core'
import { defineAttack } from './base'
import { logitMargins, MARGIN_TAU, passesMargin } from './margin'
import type { CwParams } from './params'
import { gradientsOf, type ModelGradients } from './model-gradients'

const BETA1 = 0.9
const BETA2 = 0.999
/** Foolbox 1.8's AdamOptimizer uses epsilon = 10e-8. */
const ADAM_EPSILON = 1e-7
/** Keeps arctanh finite at the box edges. */
const TANH_SHRINK = 0.999999

interface Evaluation {
  gradient: tf.Tensor4D
  x: tf.Tensor4D
  logits: tf.Tensor2D
  loss: tf.Tensor1D
}

/** d/dz of c · max(0, z_y − max_{j≠y} z_j + κ) per sample: c at y, −c at the runner-up, while the margin is positive. */
function marginWeights(z: tf.Tensor2D, onehot: tf.Tensor2D, consts: tf.Tensor1D, confidence: number): tf.Tensor2D {
  return tf.tidy(() => {
    const others = tf.where(tf.cast(onehot, 'bool'), tf.fill(z.shape, -Infinity), z)
    const margin = tf.add(tf.sub(tf.sum(tf.mul(z, onehot), 1), tf.max(others, 1)), confidence)
    const scale = tf.mul(consts, tf.cast(tf.greater(margin, 0), 'float32'))
    return tf.mul(tf.sub(onehot, tf.oneHot(tf.argMax(others, 1), z.shape[1])), tf.expandDims(scale, 1)) as tf.Tensor2D
  })
}

/**
 * One forward and backward pass of the C&W loss for the whole batch:
 * loss_i = ‖x_i − x̂_i‖² + c_i · max(0, z_y − max_{j≠y} z_j + κ), with x = (tanh(w + δ) + 1)/2.
 * The losses are independent per sample, so ∇δ of their sum is each sample's own gradient. The
 * model's part is a vector-Jacobian product (on whichever engine differentiates the model); the
 * tanh box and the distance are differentiated here by hand.
 */
async function evaluate(
  gradients: ModelGradients,
  attOriginal: tf.Tensor4D,
  delta: tf.Tensor4D,
  reconstructed: tf.Tensor4D,
  onehot: tf.Tensor2D,
  consts: tf.Tensor1D,
  confidence: number,
): Promise<Evaluation> {
  const t = tf.tidy(() => tf.tanh(tf.add(attOriginal, delta))) as tf.Tensor4D
  const x = tf.tidy(() => tf.add(tf.mul(t, 0.5), 0.5)) as tf.Tensor4D
  const { logits, grad } = await gradients.weightedLogits(x, (z) => marginWeights(z, onehot, consts, confidence))
  const [gradient, loss] = tf.tidy(() => {
    const offset = tf.sub(x, reconstructed)
    const others = tf.where(tf.cast(onehot, 'bool'), tf.fill(logits.shape, -Infinity), logits)
    const margin = tf.relu(tf.add(tf.sub(tf.sum(tf.mul(logits, onehot), 1), tf.max(others, 1)), confidence))
    const perSample = tf.add(tf.sum(tf.square(offset), [1, 2, 3]), tf.mul(consts, margin)) as tf.Tensor1D
    const dx = tf.add(grad, tf.mul(offset, 2))
    return [tf.mul(dx, tf.mul(tf.sub(1, tf.square(t)), 0.5)) as tf.Tensor4D, perSample]
  })
  tf.dispose([t, grad])
  return { gradient, x, logits, loss }
}

/**
 * Carlini-Wagner L2 as Foolbox 1.8's CarliniWagnerL2Attack: Adam on δ in tanh space, a binary
 * search over the constant c per sample (×10 until an adversarial is found, then bisection),
/**
 * Carlini-Wagner L2 as Foolbox 1.8's CarliniWagnerL2Attack: Adam on δ in tanh space, a binary
 * search over the constant c per sample (×10 until an adversarial is found, then bisection),
 * early abort per round, and the minimum-distance adversarial seen over every query kept.
 * All samples optimise together; each has its own c, its own abort, and its own best. An iterate
 * counts as adversarial under the margin rule, and the hinge aims that far past the tie.
 * Samples the model already gets wrong (under the same rule) are returned unchanged.
 */
export const run = defineAttack<CwParams>({
  name: 'cw',
  cleanCheck: true,
  extra: { const: { type: 'float32', initial: NaN } },
  async run(attack) {
    const { model, images, labels, options, queries, active } = attack
    const finalConst = attack.extra.const
    const a = active.length
    const { binarySearchSteps, maxIterations, learningRate } = options
    const idx = tf.tensor1d(active, 'int32')
    const x0 = tf.gather(images, idx) as tf.Tensor4D
    idx.dispose()
    const activeLabels = active.map((i) => labels[i])
    const classes = tf.tidy(() => model.logits(tf.slice(x0, 0, 1)).shape[1])
    const onehot = tf.tidy(() => tf.oneHot(tf.tensor1d(activeLabels, 'int32'), classes)) as tf.Tensor2D
    // arctanh(u) = ½·ln((1 + u)/(1 − u)), written out because not every backend has Atanh.
    const attOriginal = tf.tidy(() => {
      const u = tf.mul(tf.sub(tf.mul(x0, 2), 1), TANH_SHRINK)
      return tf.mul(tf.log(tf.div(tf.add(1, u), tf.sub(1, u))), 0.5)
    }) as tf.Tensor4D
    const reconstructed = tf.tidy(() => tf.add(tf.mul(tf.tanh(attOriginal), 0.5), 0.5)) as tf.Tensor4D

    const gradients = gradientsOf(model)
    const consts = new Float64Array(a).fill(options.initialConst)
    const lower = new Float64Array(a)
    const upper = new Float64Array(a).fill(Infinity)
    const bestMse = new Float64Array(a).fill(Infinity)
    const checkEvery = Math.ceil(maxIterations / 10)
    const totalIterations = binarySearchSteps * maxIterations

    try {
      for (let round = 0; round < binarySearchSteps; round++) {
        if (round === binarySearchSteps - 1 && binarySearchSteps >= 10) {
          for (let s = 0; s < a; s++) if (Number.isFinite(upper[s])) consts[s] = upper[s]
        }
        const found = new Uint8Array(a)
        const running = new Uint8Array(a).fill(1)
        const previous = new Float64Array(a).fill(Infinity)
        let runningCount = a
        const constsT = tf.tensor1d(Array.from(consts))
        let delta = tf.zerosLike(x0) as tf.Tensor4D
        let m = tf.zerosLike(x0) as tf.Tensor4D
        let v = tf.zerosLike(x0) as tf.Tensor4D
        try {
          for (let it = 0; it < maxIterations && runningCount > 0; it++) {
            attack.checkCancelled()
            // The hinge aims MARGIN_TAU past κ, so the optimiser reaches the success rule's margin
            // instead of settling on the tie (docs/algorithms.md §attacks).
            const e = await evaluate(gradients, attOriginal, delta, reconstructed, onehot, constsT, options.confidence + MARGIN_TAU)
            const t = it + 1
            const [nextDelta, nextM, nextV] = tf.tidy(() => {
              const mm = tf.add(tf.mul(m, BETA1), tf.mul(e.gradient, 1 - BETA1))
              const vv = tf.add(tf.mul(v, BETA2), tf.mul(tf.square(e.gradient), 1 - BETA2))
              const mHat = tf.div(mm, 1 - BETA1 ** t)
              const vHat = tf.div(vv, 1 - BETA2 ** t)
              const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), ADAM_EPSILON)), -learningRate)
              const mask = tf.tensor4d(running, [a, 1, 1, 1], 'float32')
              return [tf.add(delta, tf.mul(step, mask)), mm, vv] as tf.Tensor4D[]
            })
            tf.dispose([delta, m, v])
            delta = nextDelta
            m = nextM
            v = nextV

            const mseT = tf.tidy(() => tf.mean(tf.square(tf.sub(e.x, x0)), [1, 2, 3]))
            const [mse, logits, loss] = (await Promise.all([mseT.data(), e.logits.data(), e.loss.data()])) as Float32Array[]
            mseT.dispose()
            const adversarialNow = passesMargin(logitMargins(logits, activeLabels))
            let xValues: Float32Array | undefined
            for (let s = 0; s < a; s++) {
              if (!running[s]) continue
              queries[active[s]] += 1
              if (adversarialNow[s]) {
                found[s] = 1
                if (mse[s] < bestMse[s]) {
                  bestMse[s] = mse[s]
                  xValues ??= (await e.x.data()) as Float32Array
                  attack.accept(active[s], xValues, s)
                }
              }
              if (options.abortEarly && it % checkEvery === 0) {
                if (!(loss[s] <= 0.9999 * previous[s])) {
                  running[s] = 0
                  runningCount -= 1
                } else previous[s] = loss[s]
              }
            }
            tf.dispose([e.gradient, e.x, e.logits, e.loss])
            attack.progress(round * maxIterations + it + 1, totalIterations)
          }
        } finally {
          tf.dispose([constsT, delta, m, v])
        }
        for (let s = 0; s < a; s++) {
          if (found[s]) upper[s] = Math.min(upper[s], consts[s])
          else lower[s] = Math.max(lower[s], consts[s])
          consts[s] = Number.isFinite(upper[s]) ? (lower[s] + upper[s]) / 2 : consts[s] * 10
        }
      }
    } finally {
      tf.dispose([x0, onehot, attOriginal, reconstructed])
    }
    active.forEach((i, s) => {
      if (Number.isFinite(upper[s])) finalConst[i] = upper[s]
    })
  },
})
