import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mobileNetV2 } from '../../../scripts/mobilenet-v2'
import { openDefaultDataset } from '../../../src-main/engine/data'
import { saveLayersModel } from '../../../src-main/engine/models'
import { encodeNpy } from '../../../src-main/protocol/npy'
import { readNpy } from '../engine/onnx/fixtures'
import { runCliOk } from './cli-process'

const N = 6
const SIZE = 32

/** ‖a − b‖ / ‖b‖. */
function relative(a: Float32Array, b: Float32Array): number {
  let num = 0
  let den = 0
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2
    den += b[i] ** 2
  }
  return Math.sqrt(num / den)
}

/**
 * The MobileNet family (DepthwiseConv2D, BatchNormalization, ReLU6, inverted residuals) as an
 * analyst has it: a TF.js Layers folder of Keras' MobileNetV2 (width 0.35, here at 32x32 with 10
 * classes, seeded weights), through the real CLI on each engine.
 */
describe('a MobileNetV2 TF.js Layers model through hfc-lab', () => {
  let dir: string
  let model: string
  let data: string
  const env = () => ({ HFC_CACHE_DIR: join(dir, 'cache') })
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hfc-mnv2-'))
    model = join(dir, 'mnv2', 'model.json')
    data = join(dir, 'data')
    await mkdir(data)
    const net = mobileNetV2({ alpha: 0.35, size: SIZE, classes: 10, seed: 0 })
    const cifar = await openDefaultDataset('cifar10')
    try {
      await saveLayersModel(net, join(dir, 'mnv2'))
      const images = await cifar.read(Array.from({ length: N }, (_, i) => i))
      // Labelled with the net's own clean predictions, so every image starts correctly classified
      // and FGSM has something to flip (the random weights know nothing of CIFAR-10's classes).
      const predicted = tf.tidy(() => tf.argMax(net.predict(tf.tensor4d(images, [N, SIZE, SIZE, 3])) as tf.Tensor, 1).dataSync())
      writeFileSync(join(data, 'images.npy'), encodeNpy(images, [N, SIZE, SIZE, 3]))
      writeFileSync(join(data, 'labels.npy'), encodeNpy(Int32Array.from(predicted), [N]))
    } finally {
      net.dispose()
      await cifar.close?.()
    }
  }, 60_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('gives the same input gradients on TF.js wasm, the TF.js cpu backend and onnxruntime (relative < 1e-3)', async () => {
    const grads: Record<string, Float32Array> = {}
    for (const backend of ['wasm', 'cpu', 'onnxruntime']) {
      const out = join(dir, `grad-${backend}.npy`)
      await runCliOk(
        ['--backend', backend, '--workers', '1', 'grad', '--model', model, '--data', data, '--indices', `0-${N - 1}`, '--out', out],
        env(),
      )
      const g = readNpy(out)
      expect(g.shape).toEqual([N, SIZE, SIZE, 3])
      grads[backend] = g.data
    }
    expect(Math.max(...grads.cpu.map(Math.abs))).toBeGreaterThan(0)
    expect(relative(grads.wasm, grads.cpu)).toBeLessThan(1e-3)
    expect(relative(grads.onnxruntime, grads.cpu)).toBeLessThan(1e-3)
  }, 240_000)

  it('runs FGSM end to end on TF.js wasm and on onnxruntime, flipping the same images', async () => {
    const summaries: Record<string, { n: number; successRate: number; medianLinf: number }> = {}
    const success: Record<string, string[]> = {}
    for (const backend of ['wasm', 'onnxruntime']) {
      const out = join(dir, `fgsm-${backend}`)
      const args = ['--backend', backend, '--workers', '1', 'attack', '--model', model, '--data', data, '--limit', String(N)]
      await runCliOk([...args, '--attack', 'fgsm', '--out', out], env())
      summaries[backend] = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as (typeof summaries)[string]
      const rows = readFileSync(join(out, 'samples.csv'), 'utf8').trim().split('\n')
      const column = rows[0].split(',').indexOf('success')
      success[backend] = rows.slice(1).map((r) => r.split(',')[column])
    }
    for (const s of Object.values(summaries)) {
      expect(s.n).toBe(N)
      expect(s.successRate).toBeGreaterThan(0)
      // Every image starts correct, so a success is a real perturbation, not a clean miss.
      expect(s.medianLinf).toBeGreaterThan(0)
    }
    expect(success.wasm).toEqual(success.onnxruntime)
  }, 240_000)
})
