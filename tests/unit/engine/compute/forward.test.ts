import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../src-main/engine/attacks'
import { gradientsOf } from '../../../../src-main/engine/attacks/model-gradients'
import { assignmentOf, attachEngine, engineOf, prepareGradients } from '../../../../src-main/engine/compute/forward'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import { LabError } from '../../../../src-main/engine/base/errors'
import { type Classifier, type LoadedModel } from '../../../../src-main/engine/models'
import { openDefaultModel } from '../../../../src-main/engine/loaders'
import { finishLoadedModel } from '../../../../src-main/engine/models/build-loaded-model'
import { mnistTestBatch } from '../attacks/mnist-classifier'

let images: tf.Tensor4D
let labels: Int32Array
let previousCache: string | undefined
const N = 8

beforeAll(() => {
  previousCache = process.env.HFC_CACHE_DIR
  process.env.HFC_CACHE_DIR = mkdtempSync(join(tmpdir(), 'hfc-forward-'))
  ;({ images, labels } = mnistTestBatch(N, 40))
})

afterAll(() => {
  images.dispose()
  if (previousCache === undefined) delete process.env.HFC_CACHE_DIR
  else process.env.HFC_CACHE_DIR = previousCache
})

/**
 * The model as TF.js sees a network whose backward pass it lacks a kernel for (DepthwiseConv2D input
 * gradients on wasm, for one): the same logits, but tf.grad through them throws.
 */
function withoutTfjsGradient(base: LoadedModel): Classifier {
  const blocked = tf.customGrad(((z: tf.Tensor) => ({
    value: tf.clone(z),
    gradFunc: () => {
      throw new Error("Kernel 'DepthwiseConv2dNativeBackpropInput' not registered for backend 'wasm'")
    },
  })) as never) as (z: tf.Tensor) => tf.Tensor
  return { info: { ...base.info }, logits: (x) => blocked(base.logits(x)) as tf.Tensor2D }
}

describe('gradient engines are decided lazily, per engine', () => {
  it('opening a model runs no gradient probe; the first gradient job does', async () => {
    const model = await openDefaultModel('mnist')
    const { assignment } = (await attachEngine('tfjs', model)).engine
    expect(engineOf(model)?.tfjsGradients).toBeUndefined()
    expect(model.info.gradients).toBe(true)
    expect(assignment.reason).toMatch(/decided by the first job that needs input gradients/)
    const result = await runAttack('fgsm', model, images, labels, {}, silentContext())
    expect(result.success.some((s) => s === 1)).toBe(true)
    expect(engineOf(model)?.tfjsGradients).toBe(true)
    expect(assignmentOf(model)).toMatchObject({ gradient: 'tfjs', reason: 'TF.js was chosen; gradients on TF.js' })
    model.dispose()
  })

  it('auto mode measures forward passes only when a model opens', async () => {
    const model = await openDefaultModel('mnist')
    const { assignment } = (await attachEngine('auto', model, { threads: 1 })).engine
    expect(assignment.reason).toMatch(/^measured: forward of 32: onnxruntime [\d.]+ ms, TF\.js [\d.]+ ms; gradient engine: decided by/)
    expect(engineOf(model)?.tfjsGradients).toBeUndefined()
    await prepareGradients(model)
    expect(gradientsOf(model).engine).toBe(assignmentOf(model).gradient)
    expect(assignmentOf(model).reason).not.toMatch(/decided by/)
    // The decision is remembered with the engine choice: a second open of the same file reuses it.
    const again = await openDefaultModel('mnist')
    const remembered = (await attachEngine('auto', again, { threads: 1 })).engine.assignment
    expect(remembered).toMatchObject({ forward: assignmentOf(model).forward, gradient: assignmentOf(model).gradient })
    expect(remembered.reason).toMatch(/remembered from an earlier run on this machine/)
    expect(remembered.reason).not.toMatch(/decided by/)
    model.dispose()
    again.dispose()
  })

  it('a model whose TF.js gradient fails still runs FGSM, on onnxruntime, with the same result', async () => {
    const base = await openDefaultModel('mnist')
    const reference = await openDefaultModel('mnist')
    const broken = withoutTfjsGradient(base)
    for (const mode of ['auto', 'onnxruntime'] as const) {
      const model = mode === 'auto' ? broken : withoutTfjsGradient(base)
      await attachEngine(mode, model, { source: base, threads: 1 })
      const [ours, theirs] = await Promise.all([
        runAttack('fgsm', model, images, labels, {}, silentContext()),
        runAttack('fgsm', reference, images, labels, {}, silentContext()),
      ])
      expect(assignmentOf(model).gradient).toBe('onnxruntime')
      expect(gradientsOf(model).engine).toBe('onnxruntime')
      expect(model.info.gradients).toBe(true)
      expect(Array.from(ours.success)).toEqual(Array.from(theirs.success))
      for (let i = 0; i < N; i++)
        expect(Math.abs(ours.distanceL2[i] - theirs.distanceL2[i])).toBeLessThan(1e-2 * Math.max(theirs.distanceL2[i], 1e-3))
    }
    base.dispose()
    reference.dispose()
  })

  it("a DepthwiseConv2D model (MobileNet's layer) runs FGSM on TF.js wasm, with the input gradient onnxruntime computes", async () => {
    const build = () =>
      finishLoadedModel(
        tfl.sequential({
          layers: [
            tfl.layers.conv2d({
              inputShape: [28, 28, 1],
              filters: 8,
              kernelSize: 3,
              padding: 'same',
              activation: 'relu',
              kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
            }),
            tfl.layers.depthwiseConv2d({
              kernelSize: 3,
              strides: 2,
              padding: 'same',
              depthMultiplier: 2,
              activation: 'relu',
              depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
            }),
            tfl.layers.globalAveragePooling2d({}),
            tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
          ],
        }),
        { format: 'tfjs-layers', source: '/nowhere/depthwise.json', files: [], outputSoftmaxRemoved: false },
      )
    const onTfjs = build()
    await attachEngine('tfjs', onTfjs)
    const result = await runAttack('fgsm', onTfjs, images, labels, {}, silentContext())
    expect(result.success.length).toBe(N)
    expect(engineOf(onTfjs)?.tfjsGradients).toBe(true)
    expect(gradientsOf(onTfjs).engine).toBe('tfjs')
    const onOrt = build()
    await attachEngine('onnxruntime', onOrt, { threads: 1 })
    await prepareGradients(onOrt)
    expect(gradientsOf(onOrt).engine).toBe('onnxruntime')
    const y = tf.tensor1d(labels, 'int32')
    const [ours, theirs] = await Promise.all([gradientsOf(onTfjs).crossEntropy(images, y), gradientsOf(onOrt).crossEntropy(images, y)])
    const relative = tf.tidy(() => tf.div(tf.norm(tf.sub(ours, theirs)), tf.norm(theirs)).dataSync()[0])
    expect(relative).toBeLessThan(1e-4)
    tf.dispose([ours, theirs, y])
    onTfjs.dispose()
    onOrt.dispose()
  })

  it('refuses gradient attacks with a named error when no engine can differentiate the model', async () => {
    const base = await openDefaultModel('mnist')
    const model = withoutTfjsGradient(base)
    await attachEngine('tfjs', model)
    const failure = await runAttack('fgsm', model, images, labels, {}, silentContext()).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(LabError)
    expect((failure as LabError).code).toBe('ATTACK_NEEDS_GRADIENTS')
    expect(model.info.gradients).toBe(false)
    expect(assignmentOf(model).reason).toMatch(/no engine can take input gradients/)
    base.dispose()
  })
})
