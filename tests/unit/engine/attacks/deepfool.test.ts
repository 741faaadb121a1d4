import * as tf from '@tensorflow/tfjs-core'
import { expect, it } from 'vitest'
import { runAttack } from '../../../../src-main/engine/attacks'
import { MARGIN_TAU } from '../../../../src-main/engine/attacks/margin'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { linearClassifier } from './linear-classifier'

/**
 * A linear two-class model on 4×4 images: z = [0, w·x + b]. DeepFool's linearisation is exact
 * here, so each step's length is known in closed form and the attack's path can be followed in
 * float64: Foolbox 3's step d = |Δz|/‖w‖ + 1e-4 along w/‖w‖, accumulated in p, and the image
 * x₀ + 1.02·p (no clipping: x₀ = 0.5 and the perturbations stay far inside [0, 1]).
 */
const W = Float32Array.from({ length: 16 }, (_, k) => ((k % 5) - 2) * 0.25)
const NORM = Math.hypot(...W)

function linearModel(b: number): Classifier {
  return linearClassifier('linear two-class', [new Float32Array(16), W], [0, b])
}

/** DeepFool's path on the linear model in float64: the steps taken and ‖1.02·p‖. */
function expectedPath(gap: number): { steps: number; l2: number } {
  // margin of class 0 (the label) = −(w·x + b) = gap − ‖w‖·1.02·|p| along w.
  let total = 0
  for (let step = 0; step < 100; step++) {
    const margin = gap - NORM * 1.02 * total
    if (margin < -MARGIN_TAU) return { steps: step, l2: 1.02 * total }
    total += Math.abs(margin) / NORM + 1e-4
  }
  throw new Error('no adversarial within 100 steps')
}

async function attack(gap: number) {
  const w4 = W.reduce((s, v) => s + v * 0.5, 0)
  const model = linearModel(-gap - w4)
  const x = tf.fill([1, 4, 4, 1], 0.5) as tf.Tensor4D
  const result = await runAttack('deepfool', model, x, Int32Array.from([0]), {}, silentContext())
  x.dispose()
  return result
}

it('applies the overshoot to the total perturbation: one step lands 2 % past the boundary', async () => {
  const gap = 0.5
  const result = await attack(gap)
  const expected = expectedPath(gap)
  expect(expected.steps).toBe(1)
  expect(result.success[0]).toBe(1)
  expect(result.extra?.steps[0]).toBe(1)
  expect(result.distanceL2[0]).toBeCloseTo(expected.l2, 5)
  expect(result.margin[0]).toBeCloseTo(-0.02 * gap - 1.02e-4 * NORM, 4)
})

it('keeps stepping while the image is misclassified but nearer a tie than the margin rule allows', async () => {
  // A gap of 0.01: the first step ends at margin ≈ −3e-4, a misclassification the rule does not count.
  const gap = 0.01
  const result = await attack(gap)
  const expected = expectedPath(gap)
  expect(expected.steps).toBeGreaterThan(1)
  expect(result.success[0]).toBe(1)
  expect(result.extra?.steps[0]).toBe(expected.steps)
  expect(result.distanceL2[0]).toBeCloseTo(expected.l2, 5)
  expect(result.margin[0]).toBeLessThan(-MARGIN_TAU)
})
