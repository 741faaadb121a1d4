import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { firstConvLayers, kernelReport, lowPassKernels, saveLayersModel, type LoadedModel } from '../../../../src-main/engine/models'
import { openModel } from '../../../../src-main/engine/loaders'

/** conv5x5 (1→3, same) → conv3x3 (3→2, same) → flatten → dense 4, with seeded random weights. */
function twoConvModel(): tfl.Sequential {
  const model = tfl.sequential()
  const init = (seed: number) => tfl.initializers.randomUniform({ minval: -1, maxval: 1, seed })
  model.add(
    tfl.layers.conv2d({
      name: 'conv_a',
      inputShape: [12, 12, 1],
      filters: 3,
      kernelSize: 5,
      padding: 'same',
      kernelInitializer: init(1),
      biasInitializer: init(2),
      activation: 'relu',
    }),
  )
  model.add(
    tfl.layers.conv2d({ name: 'conv_b', filters: 2, kernelSize: 3, padding: 'same', kernelInitializer: init(3), biasInitializer: init(4) }),
  )
  model.add(tfl.layers.flatten({ name: 'flat' }))
  model.add(tfl.layers.dense({ name: 'out', units: 4, kernelInitializer: init(5) }))
  return model
}

const kernelOf = (m: LoadedModel, layer: string): tf.Tensor => m.model!.getLayer(layer).getWeights()[0]
const biasOf = (m: LoadedModel, layer: string): Float32Array => m.model!.getLayer(layer).getWeights()[1].dataSync() as Float32Array

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length)
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]))
  expect(max).toBeLessThanOrEqual(tol)
}

describe('D2: low-pass first-layer kernels', () => {
  let dir: string
  let model: LoadedModel

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hfc-d2-'))
    const built = twoConvModel()
    await saveLayersModel(built, dir)
    built.dispose()
    model = await openModel(dir)
  })

  afterAll(async () => {
    model.dispose()
    await rm(dir, { recursive: true, force: true })
  })

  it('lists the conv layers in order with their kernel shapes and input sizes', () => {
    expect(firstConvLayers(model)).toEqual([
      { name: 'conv_a', className: 'Conv2D', kernelShape: [5, 5, 1, 3], inputSize: [12, 12] },
      { name: 'conv_b', className: 'Conv2D', kernelShape: [3, 3, 3, 2], inputSize: [12, 12] },
    ])
  })

  it('with strict r = 1 keeps only the DC bin: every kernel slice becomes its mean; biases stay', async () => {
    const before = kernelOf(model, 'conv_a').dataSync()
    const filtered = await lowPassKernels(model, 1)
    try {
      const after = kernelOf(filtered, 'conv_a').dataSync()
      for (let co = 0; co < 3; co++) {
        let mean = 0
        for (let p = 0; p < 25; p++) mean += before[p * 3 + co] / 25
        for (let p = 0; p < 25; p++) expect(after[p * 3 + co]).toBeCloseTo(mean, 6)
      }
      expectClose(biasOf(filtered, 'conv_a'), biasOf(model, 'conv_a'), 0)
      expectClose(kernelOf(filtered, 'conv_b').dataSync(), kernelOf(model, 'conv_b').dataSync(), 0)
      expect(filtered.info.variant).toBe('D2 conv_a:r=1')
    } finally {
      filtered.dispose()
    }
  })

  it('gives the known 3x3 result for a centred delta under the inclusive rule, r = 1', async () => {
    const delta = new Float32Array(3 * 3 * 3 * 2)
    delta[(1 * 3 + 1) * 6 + 0] = 1 // centre tap of slice (C_in 0, C_out 0)
    const withDelta = await lowPassKernels(model, [{ layer: 'conv_b', radius: 100 }])
    tf.tidy(() =>
      withDelta
        .model!.getLayer('conv_b')
        .setWeights([tf.tensor4d(delta, [3, 3, 3, 2]), withDelta.model!.getLayer('conv_b').getWeights()[1]]),
    )
    const filtered = await lowPassKernels(withDelta, [{ layer: 'conv_b', radius: 1 }], { rule: 'inclusive' })
    try {
      const after = kernelOf(filtered, 'conv_b').dataSync()
      const slice = Array.from({ length: 9 }, (_, p) => after[p * 6 + 0])
      // DC plus the four axis neighbours: (1 + 2cos(2πΔy/3) + 2cos(2πΔx/3)) / 9.
      expectClose(
        slice,
        [-1, 2, -1, 2, 5, 2, -1, 2, -1].map((v) => v / 9),
        1e-6,
      )
      expect(filtered.info.variant).toBe('D2 conv_b:r=100; D2 conv_b:r=1 (inclusive)')
    } finally {
      withDelta.dispose()
      filtered.dispose()
    }
  })

  it('is the identity once the radius passes the kernel grid corner, in kernel and padded mode', async () => {
    const x = tf.randomUniform([3, 12, 12, 1], 0, 1, 'float32', 9) as tf.Tensor4D
    for (const [radius, mode] of [
      [3, 'kernel'],
      [9, 'padded'],
    ] as const) {
      const filtered = await lowPassKernels(
        model,
        [
          { layer: 'conv_a', radius },
          { layer: 'conv_b', radius },
        ],
        { mode },
      )
      expectClose(kernelOf(filtered, 'conv_a').dataSync(), kernelOf(model, 'conv_a').dataSync(), 1e-5)
      expectClose(
        tf.tidy(() => filtered.logits(x).dataSync()),
        tf.tidy(() => model.logits(x).dataSync()),
        1e-4,
      )
      filtered.dispose()
    }
    x.dispose()
  })

  it('leaves the original model untouched and returns an independent one', async () => {
    const before = kernelOf(model, 'conv_a').dataSync().slice()
    const filtered = await lowPassKernels(model, 1)
    filtered.dispose()
    expectClose(kernelOf(model, 'conv_a').dataSync(), before, 0)
    expect(model.info.variant).toBe('')
    expect(kernelOf(model, 'conv_a').isDisposed).toBe(false)
  })

  it('refuses a layer that is not a convolution and a negative radius', async () => {
    await expect(lowPassKernels(model, [{ layer: 'out', radius: 1 }])).rejects.toMatchObject({ code: 'MODEL_NO_SUCH_CONV' })
    await expect(lowPassKernels(model, [{ layer: 'conv_a', radius: -1 }])).rejects.toMatchObject({ code: 'D2_RADIUS' })
  })

  it('reports kept bins, energy removed and before/after kernels for the Kernels view', () => {
    const kept = [1, 2, 3].map((r) => kernelReport(model, 'conv_a', r).keptBins)
    expect(kept).toEqual([1, 9, 25])
    const report = kernelReport(model, 'conv_a', 2)
    expect(report).toMatchObject({
      layer: 'conv_a',
      kernelShape: [5, 5, 1, 3],
      grid: [5, 5],
      totalBins: 25,
      mode: 'kernel',
      rule: 'strict',
    })
    expect(report.kernels).toHaveLength(3)
    expect(report.kernels[0].before).toHaveLength(25)
    expect(report.energyRemovedFraction).toBeGreaterThan(0)
    expect(report.energyRemovedFraction).toBeLessThan(1)
    expect(report.maxImag).toBeLessThan(1e-12)
    expect(kernelReport(model, 'conv_a', 3).energyRemovedFraction).toBeLessThan(1e-12)
    // The low and high parts are orthogonal, so the kept energy is ‖w_l‖² = ‖w‖² (1 − removed).
    const k = report.kernels[1]
    const energy = (v: number[]): number => v.reduce((s, a) => s + a * a, 0)
    expect(energy(k.after)).toBeCloseTo(energy(k.before) * (1 - k.energyRemoved), 6)
  })
})
