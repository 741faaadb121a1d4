import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs-core'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openDefaultDataset } from '../../../../src-main/engine/data/default-datasets'
import type { Dataset } from '../../../../src-main/engine/data/dataset'
import { attachEngine } from '../../../../src-main/engine/compute/forward'
import { fourierBasisImage, fourierHeatmap, heatmapFrequencies, perturbationSigns } from '../../../../src-main/engine/heatmap'
import { CancelledError, silentContext } from '../../../../src-main/engine/base/job-context'
import { registerFastWasmOps } from '../../../../src-main/engine/ops'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { openDefaultModel } from '../../../../src-main/engine/loaders/default-models'
import { fft2 } from '../../../../src-main/engine/spectral'
import { conjugatePairKey, DROP_UNIT, heatmapGrids, mergeHeatmaps, radialProfile } from '../../../../src-main/protocol/heatmap'
import { REPO } from '../../paths'

interface ReferenceRow {
  u: number
  v: number
  errors: number
  meanDrop: number
  basisNorm: number
  basisFirst: number[]
}
/** Made by scripts/heatmap-reference.py (numpy basis, the embedded MNIST model rebuilt in PyTorch). */
const reference = JSON.parse(readFileSync(join(REPO, 'tests', 'fixtures', 'heatmap', 'mnist-reference.json'), 'utf8')) as {
  n: number
  eps: number
  seed: number
  strides: number[]
  frequencies: ReferenceRow[]
}

const wrap = (f: number, n: number) => ((f % n) + n) % n

describe('the Fourier basis of the heat map', () => {
  it.each([
    [28, 28],
    [32, 32],
    [7, 9],
  ])('%ix%i: one image per conjugate pair, unit norm, whose f64 FFT holds only the bins (u, v) and (-u, -v)', (h, w) => {
    const frequencies = heatmapFrequencies(h, w)
    // Pairs of h*w bins, the self-conjugate ones (zero and Nyquist, where the size is even) alone.
    const selfConjugate = (h % 2 ? 1 : 2) * (w % 2 ? 1 : 2)
    expect(frequencies.length / 2).toBe((h * w + selfConjugate) / 2)
    const keys = new Set<number>()
    for (let k = 0; k < frequencies.length / 2; k++) {
      const [u, v] = [frequencies[2 * k], frequencies[2 * k + 1]]
      keys.add(conjugatePairKey(u, v, h, w))
      if (k % 7 !== 0) continue
      const basis = fourierBasisImage(u, v, h, w)
      expect(Math.hypot(...basis)).toBeCloseTo(1, 12)
      const { re, im } = fft2(basis, new Float64Array(h * w), h, w)
      const own = new Set([wrap(u, h) * w + wrap(v, w), wrap(-u, h) * w + wrap(-v, w)])
      let elsewhere = 0
      let inside = 0
      for (let i = 0; i < h * w; i++) {
        const m = Math.hypot(re[i], im[i])
        if (own.has(i)) inside += m * m
        else elsewhere = Math.max(elsewhere, m)
      }
      expect(elsewhere).toBeLessThan(1e-12)
      // Parseval: the unit-norm image puts h*w of energy into its bins.
      expect(inside).toBeCloseTo(h * w, 9)
    }
    expect(keys.size).toBe(frequencies.length / 2)
  })

  it("equals numpy's irfft of the symmetric spectrum on the reference frequencies", () => {
    for (const row of reference.frequencies) {
      const basis = fourierBasisImage(row.u, row.v, 28, 28)
      row.basisFirst.forEach((value, i) => expect(basis[i]).toBeCloseTo(value, 6))
    }
  })

  it('keeps every stride-th offset from the zero frequency, and draws signs independent of the stride', () => {
    const coarse = heatmapFrequencies(28, 28, 7)
    for (const f of coarse) expect(Math.abs(f % 7)).toBe(0)
    // Offsets -14, -7, 0, 7 on each axis: 16 cells, 4 of them self-conjugate, so 10 pairs.
    expect(coarse.length / 2).toBe(10)
    expect(Array.from(perturbationSigns(3, 17, 5, 2, 28, 28, 3))).toEqual(Array.from(perturbationSigns(3, 17, -5, -2, 28, 28, 3)))
  })
})

describe('the heat map of the embedded MNIST model against PyTorch', () => {
  let dataset: Dataset
  let tfjsModel: Classifier
  let ortModel: Classifier
  const ids = Int32Array.from({ length: reference.n }, (_, i) => i)
  beforeAll(async () => {
    registerFastWasmOps()
    dataset = await openDefaultDataset('mnist')
    tfjsModel = await openDefaultModel('mnist')
    ortModel = await openDefaultModel('mnist')
    await attachEngine('onnxruntime', ortModel, { threads: 1 })
  })

  const byPair = (map: Awaited<ReturnType<typeof fourierHeatmap>>) => {
    const rows = new Map<number, { errors: number; meanDrop: number }>()
    for (let k = 0; k < map.errors.length; k++) {
      rows.set(conjugatePairKey(map.frequencies[2 * k], map.frequencies[2 * k + 1], 28, 28), {
        errors: map.errors[k],
        meanDrop: (map.dropUnits[k] * DROP_UNIT) / map.n,
      })
    }
    return rows
  }

  it.each(['tfjs', 'onnxruntime'])('%s: error counts and mean confidence drops equal the numpy/PyTorch reference', async (engine) => {
    const model = engine === 'tfjs' ? tfjsModel : ortModel
    const found = new Map<number, { errors: number; meanDrop: number }>()
    for (const stride of reference.strides) {
      const map = await fourierHeatmap(
        model,
        dataset,
        ids,
        { eps: reference.eps, stride, seed: reference.seed, defense: 'none' },
        silentContext(),
      )
      expect(map.engine).toBe(engine === 'tfjs' ? 'wasm' : 'onnxruntime')
      expect(map.n).toBe(reference.n)
      for (const [key, row] of byPair(map)) found.set(key, row)
    }
    expect(found.size).toBe(new Set(reference.frequencies.map((r) => conjugatePairKey(r.u, r.v, 28, 28))).size)
    let errorsSeen = 0
    for (const row of reference.frequencies) {
      const ours = found.get(conjugatePairKey(row.u, row.v, 28, 28))!
      expect(ours.errors, `errors at (${row.u}, ${row.v})`).toBe(row.errors)
      expect(Math.abs(ours.meanDrop - row.meanDrop), `drop at (${row.u}, ${row.v})`).toBeLessThan(2e-5)
      errorsSeen += ours.errors
    }
    // The reference is not trivial: the perturbation fools the model at several frequencies.
    expect(errorsSeen).toBeGreaterThan(20)
  })

  it('merges the maps of two halves of the images into the map of all of them exactly', async () => {
    const options = { eps: reference.eps, stride: 7, seed: reference.seed, defense: 'none' }
    const whole = await fourierHeatmap(ortModel, dataset, ids, options, silentContext())
    const parts = await Promise.all(
      [ids.subarray(0, 19), ids.subarray(19)].map((part) =>
        fourierHeatmap(ortModel, dataset, part, { ...options, forwardBatch: 7 }, silentContext()),
      ),
    )
    const merged = mergeHeatmaps(parts)
    expect(Array.from(merged.errors)).toEqual(Array.from(whole.errors))
    expect(Array.from(merged.dropUnits)).toEqual(Array.from(whole.dropUnits))
    expect(merged.n).toBe(whole.n)
    expect(merged.cleanErrors).toBe(whole.cleanErrors)
  })

  it('fills both halves of the centred grid, leaves skipped frequencies NaN, and profiles it by radius', async () => {
    const map = await fourierHeatmap(
      ortModel,
      dataset,
      ids.subarray(0, 8),
      { eps: 6, stride: 7, seed: 0, defense: 'none' },
      silentContext(),
    )
    const { error } = heatmapGrids(map)
    const at = (u: number, v: number) => error[(u + 14) * 28 + (v + 14)]
    expect(at(7, -7)).toBe(at(-7, 7))
    expect(at(7, 0)).toBe(at(-7, 0))
    expect(Number.isNaN(at(1, 0))).toBe(true)
    expect(error.filter((e) => !Number.isNaN(e)).length).toBe(16)
    const profile = radialProfile(error, 28, 28)
    expect(profile[0]).toBe(at(0, 0))
    expect(profile[7]).toBeCloseTo((at(7, 0) + at(-7, 0) + at(0, 7) + at(0, -7)) / 4, 6)
  })

  it('stops within one forward batch when cancelled', async () => {
    const controller = new AbortController()
    let batches = 0
    const ctx = {
      ...silentContext(),
      signal: controller.signal,
      progress: () => {
        batches++
        if (batches === 3) controller.abort()
      },
    }
    await expect(
      fourierHeatmap(ortModel, dataset, ids, { eps: 6, stride: 1, seed: 0, defense: 'none', forwardBatch: 16 }, ctx),
    ).rejects.toBeInstanceOf(CancelledError)
    expect(batches).toBe(3)
  })
})

describe('the heat map of the embedded CIFAR-10 and Fashion-MNIST models against an independent computation', () => {
  /** The basis as numpy builds it: inverse f64 FFT of a spectrum with ones at (u, v) and (-u, -v), real part, unit norm. */
  function independentBasis(u: number, v: number, h: number, w: number): Float64Array {
    const re = new Float64Array(h * w)
    re[wrap(u, h) * w + wrap(v, w)] = 1
    re[wrap(-u, h) * w + wrap(-v, w)] = 1
    const image = fft2(re, new Float64Array(h * w), h, w, true).re
    const norm = Math.hypot(...image)
    return image.map((x) => x / norm)
  }

  it.each([
    ['cifar10', 8],
    ['fashion-mnist', 7],
  ])('%s: onnxruntime heat map = TF.js on images perturbed with the FFT-built basis (stride %i)', async (id, stride) => {
    registerFastWasmOps()
    const dataset = await openDefaultDataset(id as string)
    const tfjsModel = await openDefaultModel(id as string)
    const ortModel = await openDefaultModel(id as string)
    await attachEngine('onnxruntime', ortModel, { threads: 1 })
    const [h, w, c] = dataset.info.shape
    const n = 12
    const eps = 4
    const seed = 11
    const ids = Int32Array.from({ length: n }, (_, i) => 3 * i)
    const map = await fourierHeatmap(ortModel, dataset, ids, { eps, stride: stride as number, seed, defense: 'none' }, silentContext())
    const pixels = await dataset.read(ids)
    const labels = dataset.labels()
    let fooled = 0
    for (let k = 0; k < map.errors.length; k++) {
      const [u, v] = [map.frequencies[2 * k], map.frequencies[2 * k + 1]]
      const basis = independentBasis(u, v, h, w)
      const perturbed = new Float32Array(pixels.length)
      for (let i = 0; i < n; i++) {
        const signs = perturbationSigns(seed, ids[i], u, v, h, w, c)
        for (let p = 0; p < h * w; p++) {
          for (let ch = 0; ch < c; ch++) {
            const at = (i * h * w + p) * c + ch
            perturbed[at] = Math.min(1, Math.max(0, pixels[at] + eps * signs[ch] * basis[p]))
          }
        }
      }
      const predicted = tf.tidy(() => tf.argMax(tfjsModel.logits(tf.tensor4d(perturbed, [n, h, w, c])), 1).dataSync())
      let errors = 0
      for (let i = 0; i < n; i++) if (predicted[i] !== labels[ids[i]]) errors++
      expect(map.errors[k], `errors at (${u}, ${v})`).toBe(errors)
      fooled += errors
    }
    expect(fooled).toBeGreaterThan(0)
  })
})

describe('the coarse frequency grid of a 224 x 224 heat map', () => {
  const H = 224
  const target = { u: 32, v: -64 }
  const eps = 2
  /** The unit-norm basis image of (u, v), float32 [H * W]. */
  const unitBasis = (u: number, v: number) => {
    const b = fourierBasisImage(u, v, H, H)
    const norm = Math.sqrt(b.reduce((s, x) => s + x * x, 0))
    return Float32Array.from(b, (x) => x / norm)
  }
  /**
   * An RGB 224 x 224 classifier that sees one frequency only: class 1 when the squared projections of
   * the channels on the basis of `target` sum past eps², class 0 otherwise. A mid-grey image
   * projects to 0 and a basis image of another frequency is orthogonal, so the heat map must err
   * exactly at `target` (where the projections sum to 3 eps², whatever the signs).
   */
  function oneFrequencyClassifier(u: number, v: number): Classifier {
    const basis = tf.tensor2d(unitBasis(u, v), [H * H, 1])
    return {
      info: {
        name: 'one-frequency-224',
        format: 'tfjs-layers',
        source: 'test',
        inputShape: [H, H, 3],
        inputRange: [0, 1],
        classes: ['grey', 'wave'],
        layers: [],
        totalParams: 0,
        gradients: true,
        sha256: '',
        variant: '',
      },
      logits: (images) =>
        tf.tidy(() => {
          const n = images.shape[0]
          const planes = tf.reshape(tf.transpose(tf.reshape(images, [n, H * H, 3]), [0, 2, 1]), [n * 3, H * H])
          const energy = tf.sum(tf.reshape(tf.square(tf.matMul(planes, basis)), [n, 3]), 1, true)
          return tf.concat([tf.zerosLike(energy), tf.sub(energy, eps * eps)], 1) as tf.Tensor2D
        }),
    }
  }
  const grey: Dataset = {
    info: {
      name: 'grey 224',
      format: 'npy',
      source: 'test',
      count: 3,
      shape: [H, H, 3],
      valueRange: [0, 1],
      classes: ['grey', 'wave'],
      classCounts: [3, 0],
      skipped: [],
    },
    labels: () => new Int32Array(3),
    read: async (indices) => new Float32Array(indices.length * H * H * 3).fill(0.5),
    readBytes: async (indices) => new Uint8Array(indices.length * H * H * 3).fill(128),
  }

  it('evaluates only every stride-th frequency, erring exactly at the one the model sees, and skips one off the grid', async () => {
    const ids = Int32Array.from([0, 1, 2])
    const map = await fourierHeatmap(
      oneFrequencyClassifier(target.u, target.v),
      grey,
      ids,
      { eps, stride: 32, seed: 0, defense: 'none' },
      silentContext(),
    )
    expect(map.stride).toBe(32)
    // Offsets -96 .. 96 in steps of 32 on each axis: 49 cells, (0, 0) its own conjugate, so 25 pairs.
    expect(map.errors.length).toBe(25)
    for (const f of map.frequencies) expect(Math.abs(f) % 32).toBe(0)
    const { error } = heatmapGrids(map)
    const at = (u: number, v: number) => error[(u + H / 2) * H + (v + H / 2)]
    expect(at(target.u, target.v)).toBe(1)
    expect(at(-target.u, -target.v)).toBe(1)
    expect(error.filter((e) => !Number.isNaN(e)).length).toBe(49)
    expect(error.filter((e) => e > 0).length).toBe(2)
    expect(Number.isNaN(at(16, -64))).toBe(true)
    // A model that sees a frequency between grid points: the coarse map finds no error anywhere.
    const off = await fourierHeatmap(
      oneFrequencyClassifier(16, -48),
      grey,
      ids,
      { eps, stride: 32, seed: 0, defense: 'none' },
      silentContext(),
    )
    expect(Array.from(off.errors).every((e) => e === 0)).toBe(true)
  })
})
