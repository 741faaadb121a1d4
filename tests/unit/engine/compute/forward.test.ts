import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../src-main/engine/attacks'
import { gradientsOf } from '../../../../src-main/engine/attacks/model-gradients'
import {
  assignmentOf,
  attachEngine,
  chooseForward,
  engineOf,
  prepareGradients,
  SCOUT_FLOOR_MS,
  STOP_FACTOR,
} from '../../../../src-main/engine/compute/forward'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import { LabError } from '../../../../src-main/engine/base/errors'
import { type Classifier, type LoadedModel } from '../../../../src-main/engine/models'
import { openDefaultModel } from '../../../../src-main/engine/loaders'
import { finishLoadedModel } from '../../../../src-main/engine/models/build-loaded-model'
import { dataHandlers } from '../../../../src-main/engine/handlers/data'
import { modelHandlers } from '../../../../src-main/engine/handlers/models'
import { getModel } from '../../../../src-main/engine/session/lookup'
import { closeModel, createState, releaseClosed } from '../../../../src-main/engine/session/state'
import type { ForwardEngine } from '../../../../src-main/engine/compute/backend-names'
import { methods } from '../../../../src-main/protocol/methods'
import { mnistTestBatch } from '../attacks/mnist-classifier'
import { fixtureBatch, maxAbs, maxAbsDiff, ONNX_FIXTURES } from '../onnx/fixtures'

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

describe('opening a model costs only what its job needs', () => {
  const ctx = silentContext()
  const onnxFile = join(ONNX_FIXTURES, 'mnist_cnn_narrow.onnx')
  async function session(forward: ForwardEngine) {
    const state = createState({ backend: 'wasm', forward, attempts: [], singleWorker: false }, 0, 1)
    const data = await dataHandlers['data.open']!(methods['data.open'].params.parse({ defaultId: 'mnist' }), ctx, state)
    const model = await modelHandlers['model.open']!(methods['model.open'].params.parse({ path: onnxFile }), ctx, state)
    const selection = { modelId: model.id, datasetId: data.id, limit: 8 }
    return { state, model, selection }
  }

  it.each(['onnxruntime', 'auto'] as const)(
    '%s: eval of an ONNX model never writes its gradient graph; a gradient job afterwards gets the gradient TF.js and PyTorch give',
    async (mode) => {
      const { state, model, selection } = await session(mode)
      const opened = getModel(state, model.id)
      const scorer = opened.engine.ortScorer
      expect(scorer).toBeDefined()
      await modelHandlers['model.evaluate']!(methods['model.evaluate'].params.parse(selection), ctx, state)
      expect(scorer!.gradientGraphWritten).toBe(false)
      expect(model.info.engine.reason).toMatch(
        /gradient engine: decided by the first job that needs input gradients|^onnxruntime was chosen$/,
      )

      const ours = await modelHandlers['model.gradient']!(methods['model.gradient'].params.parse(selection), ctx, state)
      expect(scorer!.gradientGraphWritten).toBe(true)
      expect(opened.engine.assignment.reason).not.toMatch(/decided by/)
      if (mode === 'onnxruntime') expect(ours.engine).toBe('onnxruntime')
      // The same images through TF.js autodiff, in a session that never uses onnxruntime.
      const reference = await session('tfjs')
      const theirs = await modelHandlers['model.gradient']!(
        methods['model.gradient'].params.parse(reference.selection),
        ctx,
        reference.state,
      )
      expect(theirs.engine).toBe('tfjs')
      expect(maxAbsDiff(ours.gradient, theirs.gradient) / maxAbs(theirs.gradient)).toBeLessThan(1e-3)
      // And PyTorch's autograd on its own reference batch, through the engine the job chose.
      const { images: x, labels: y, grad } = fixtureBatch('mnist_cnn_narrow')
      const xt = tf.tensor4d(x.data, x.shape as [number, number, number, number])
      const yt = tf.tensor1d(y, 'int32')
      const g = await gradientsOf(opened).crossEntropy(xt, yt)
      expect(maxAbsDiff(g.dataSync() as Float32Array, grad.data) / maxAbs(grad.data)).toBeLessThan(1e-3)
      tf.dispose([xt, yt, g])
      for (const s of [state, reference.state]) {
        closeModel(s, model.id)
        await releaseClosed(s)
      }
      expect(opened.engine.ortScorer).toBeUndefined()
    },
  )
})

describe('the forward timing is bounded by onnxruntime’s time', () => {
  /** Timers that answer from a cost model (ms per image) and record every run, warm-ups included. */
  function timers(ortPerImage: number, tfjsPerImage: number, n: number) {
    const runs: string[] = []
    return {
      runs,
      time: {
        onnxruntime: async () => {
          runs.push(`onnxruntime ${n}`)
          return ortPerImage * n
        },
        tfjs: async (count: number) => {
          runs.push(`tfjs ${count}`)
          return tfjsPerImage * count
        },
      },
    }
  }

  it('a large model where TF.js is far slower: one TF.js image decides for onnxruntime, and the reason says so', async () => {
    // ResNet-18 at 224 px: 6 images per probe.
    const { runs, time } = timers(25, 300, 6)
    const choice = await chooseForward(6, time)
    expect(choice.forward).toBe('onnxruntime')
    // A warm-up and one timed run each; TF.js never runs the batch.
    expect(runs).toEqual(['onnxruntime 6', 'onnxruntime 6', 'tfjs 1', 'tfjs 1'])
    expect(choice.reason).toBe(
      `measured: forward of 6: onnxruntime 150.0 ms, TF.js 300.0 ms for 1 image (over ${STOP_FACTOR}x onnxruntime's, so timed no further)`,
    )
  })

  it('when one TF.js image is not conclusive, its first batch run can be: the batch is not timed again', async () => {
    // One TF.js image costs 2.8x onnxruntime's time per image, the batch's first run 3.2x its time.
    const runs: string[] = []
    const time = {
      onnxruntime: async () => (runs.push('onnxruntime 6'), 150),
      tfjs: async (count: number) => (runs.push(`tfjs ${count}`), count === 1 ? 70 : 480),
    }
    const choice = await chooseForward(6, time)
    expect(runs).toEqual(['onnxruntime 6', 'onnxruntime 6', 'tfjs 1', 'tfjs 1', 'onnxruntime 6', 'tfjs 6'])
    expect(choice).toEqual({
      forward: 'onnxruntime',
      reason: `measured: forward of 6: onnxruntime 150.0 ms, TF.js 480.0 ms on its first run (over ${STOP_FACTOR}x onnxruntime's, so timed no further)`,
    })
  })

  it('a small model is timed in full on both engines, and TF.js wins where it is faster', async () => {
    // The embedded MNIST CNN: 32 images per probe, one TF.js image under the floor whatever the ratio.
    const { runs, time } = timers(0.2, 0.1, 32)
    expect(0.1).toBeLessThan(SCOUT_FLOOR_MS)
    const choice = await chooseForward(32, time)
    expect(runs).toEqual(['onnxruntime 32', 'onnxruntime 32', 'tfjs 1', 'tfjs 1', 'onnxruntime 32', 'tfjs 32', 'tfjs 32', 'tfjs 32'])
    expect(choice).toEqual({ forward: 'tfjs', reason: 'measured: forward of 32: onnxruntime 6.4 ms, TF.js 3.2 ms' })
  })

  it('a small model where onnxruntime is far faster is still timed in full', async () => {
    const { runs, time } = timers(0.1, 1, 32)
    const choice = await chooseForward(32, time)
    expect(runs.filter((r) => r === 'tfjs 32')).toHaveLength(3)
    expect(choice).toEqual({ forward: 'onnxruntime', reason: 'measured: forward of 32: onnxruntime 3.2 ms, TF.js 32.0 ms' })
  })

  it('a large model where TF.js is slower, but not by the bound, is timed in full too', async () => {
    // 2.75x onnxruntime, one TF.js image over the floor.
    const { runs, time } = timers(20, 55, 6)
    const choice = await chooseForward(6, time)
    expect(runs.filter((r) => r === 'tfjs 6')).toHaveLength(3)
    expect(choice).toEqual({ forward: 'onnxruntime', reason: 'measured: forward of 6: onnxruntime 120.0 ms, TF.js 330.0 ms' })
  })
})
