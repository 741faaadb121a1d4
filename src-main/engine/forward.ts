import * as tf from '@tensorflow/tfjs-core'
import { crossEntropyGradient } from './attacks/cross-entropy'
import { createOrtClassifier, type BatchScorer, type LowPassSpec } from './onnx'
import type { Classifier } from './models/classifier'
import type { LoadedModel } from './models'
import type { ForwardEngine } from './backend'
import { choiceKey, rememberChoice, rememberedChoice } from './engine-choices'

/** Which engine runs a model's forward passes and its input gradients, and why. */
export interface EngineAssignment {
  forward: 'tfjs' | 'onnxruntime'
  gradient: 'tfjs' | 'onnxruntime'
  /** In words, for the Model view and `model info`: forced, measured (with the times) or unavailable. */
  reason: string
}

/** Each opened model's assignment, with the onnxruntime scorer when either job kind runs there. */
const attached = new WeakMap<Classifier, { assignment: EngineAssignment; scorer?: BatchScorer }>()

/** Best of `repeats` timed runs after one warm-up, in ms. */
async function fastestMs(run: () => Promise<unknown>, repeats = 2): Promise<number> {
  await run()
  let best = Infinity
  for (let i = 0; i < repeats; i++) {
    const start = performance.now()
    await run()
    best = Math.min(best, performance.now() - start)
  }
  return best
}

/**
 * Times both engines on a seeded probe batch of the model's input size: forward passes on up to
 * 32 images (about a megapixel-channel in all), input gradients on a quarter of that.
 */
async function measure(model: Classifier, scorer: BatchScorer): Promise<EngineAssignment> {
  const [h, w, c] = model.info.inputShape
  const n = Math.max(1, Math.min(32, Math.floor(2 ** 20 / (h * w * c))))
  const m = Math.max(1, Math.floor(n / 4))
  const images = tf.randomUniform([n, h, w, c], 0, 1, 'float32', 7) as tf.Tensor4D
  const pixels = (await images.data()) as Float32Array
  const few = tf.slice(images, 0, m) as tf.Tensor4D
  const fewPixels = pixels.subarray(0, m * h * w * c)
  const labels = Int32Array.from({ length: m }, (_, i) => i % model.info.classes.length)
  const labelsT = tf.tensor1d(labels, 'int32')
  try {
    const tfjsForward = await fastestMs(async () => tf.tidy(() => model.logits(images)).data())
    const ortForward = await fastestMs(() => scorer.scoreBatch(pixels, n))
    const ms = (v: number) => `${v.toFixed(1)} ms`
    const forward = ortForward < tfjsForward ? 'onnxruntime' : 'tfjs'
    let gradient: EngineAssignment['gradient'] = 'tfjs'
    let gradientWhy = `gradients on TF.js (onnxruntime: ${scorer.gradientUnavailable ?? 'no gradient graph'})`
    if (scorer.inputGradient && model.info.gradients) {
      const tfjsGradient = await fastestMs(async () => {
        const g = crossEntropyGradient(model, few, labelsT)
        await g.data()
        g.dispose()
      })
      const ortGradient = await fastestMs(() => scorer.inputGradient!(fewPixels, labels))
      gradient = ortGradient < tfjsGradient ? 'onnxruntime' : 'tfjs'
      gradientWhy = `input gradient of ${m}: onnxruntime ${ms(ortGradient)}, TF.js ${ms(tfjsGradient)}`
    }
    return { forward, gradient, reason: `measured: forward of ${n}: onnxruntime ${ms(ortForward)}, TF.js ${ms(tfjsForward)}; ${gradientWhy}` }
  } finally {
    tf.dispose([images, few, labelsT])
  }
}

/** The remembered choice for this model on this machine, else a new measurement (then remembered). */
async function measuredOrRemembered(model: Classifier, scorer: BatchScorer, threads: number): Promise<EngineAssignment> {
  const { sha256, variant, inputShape } = model.info
  if (!sha256) return measure(model, scorer)
  const key = choiceKey({ sha256, variant, inputShape, tfjsBackend: tf.getBackend(), threads })
  const known = await rememberedChoice(key)
  if (known) return { ...known, reason: `${known.reason} (remembered from an earlier run on this machine)` }
  const measured = await measure(model, scorer)
  await rememberChoice(key, measured)
  return measured
}

const TFJS_ONLY = (reason: string): EngineAssignment => ({ forward: 'tfjs', gradient: 'tfjs', reason })

interface AttachOptions {
  source?: LoadedModel
  lowPass?: LowPassSpec
  threads?: number
}

/**
 * Gives a model an onnxruntime scorer when the engine may use one, and decides per job kind
 * (forward passes, input gradients) which engine runs it: the faster one by measurement in
 * `auto` mode, onnxruntime wherever it can when the user forced it. `source` is the Layers model
 * the graph is written from (the model itself, or the one a D1 variant wraps, with its low pass).
 */
export async function attachScorer(
  mode: ForwardEngine,
  model: Classifier,
  options: AttachOptions = {},
): Promise<EngineAssignment> {
  const known = attached.get(model)
  if (known) return known.assignment
  const entry = await assign(mode, model, options)
  attached.set(model, entry)
  return entry.assignment
}

async function assign(mode: ForwardEngine, model: Classifier, options: AttachOptions): Promise<{ assignment: EngineAssignment; scorer?: BatchScorer }> {
  const source = options.source ?? (model as LoadedModel)
  if (mode === 'tfjs') return { assignment: TFJS_ONLY('TF.js was chosen') }
  if (!source.model) return { assignment: TFJS_ONLY('a TF.js graph model cannot be written as ONNX') }
  let scorer: BatchScorer
  try {
    scorer = await createOrtClassifier(source, { lowPass: options.lowPass, threads: options.threads })
  } catch (e) {
    if (mode === 'onnxruntime') throw e
    return { assignment: TFJS_ONLY(`onnxruntime cannot run this model (${(e as Error).message})`) }
  }
  const assignment: EngineAssignment =
    mode === 'onnxruntime'
      ? {
          forward: 'onnxruntime',
          gradient: scorer.inputGradient ? 'onnxruntime' : 'tfjs',
          reason: `onnxruntime was chosen${scorer.inputGradient ? '' : `; gradients on TF.js (${scorer.gradientUnavailable})`}`,
        }
      : await measuredOrRemembered(model, scorer, options.threads ?? 2)
  if (assignment.forward === 'onnxruntime' || assignment.gradient === 'onnxruntime') return { assignment, scorer }
  await scorer.dispose()
  return { assignment }
}

/** Releases the onnxruntime sessions of a model that is being closed. */
export async function detachScorer(model: Classifier): Promise<void> {
  const entry = attached.get(model)
  attached.delete(model)
  await entry?.scorer?.dispose()
}

/** The engine assignment of a model (TF.js for both when none was made). */
export function assignmentOf(model: Classifier): EngineAssignment {
  return attached.get(model)?.assignment ?? TFJS_ONLY('not measured')
}

/** The onnxruntime scorer for this model's forward passes, when onnxruntime runs them. */
export function scorerOf(model: Classifier): BatchScorer | undefined {
  const a = attached.get(model)
  return a?.assignment.forward === 'onnxruntime' ? a.scorer : undefined
}

/** The onnxruntime scorer for this model's input gradients, when onnxruntime runs them. */
export function gradientScorerOf(model: Classifier): BatchScorer | undefined {
  const a = attached.get(model)
  return a?.assignment.gradient === 'onnxruntime' ? a.scorer : undefined
}
