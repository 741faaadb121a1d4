import * as tf from '@tensorflow/tfjs-core'
import { crossEntropyGradient } from './cross-entropy'
import { createOrtClassifier, type BatchScorer, type LowPassSpec } from '../onnx'
import type { Classifier } from '../models/classifier'
import type { LoadedModel } from '../models'
import type { ForwardEngine } from './backend-names'
import { choiceKey, rememberChoice, rememberedChoice } from './engine-choices'
import { tfjsGradientsWork } from '../models/gradient-probe'

/** Which engine runs a model's forward passes and its input gradients, and why. */
export interface EngineAssignment {
  forward: 'tfjs' | 'onnxruntime'
  gradient: 'tfjs' | 'onnxruntime'
  /** In words, for the Model view and `model info`: forced, measured (with the times) or unavailable. */
  reason: string
}

/**
 * Each opened model's assignment, with the onnxruntime scorer when either job kind may run there.
 * The gradient engine is provisional until the first job that needs gradients decides it
 * (`gradients`), since finding out whether TF.js can differentiate a model costs a backward pass.
 */
interface Attached {
  assignment: EngineAssignment
  scorer?: BatchScorer
  mode: ForwardEngine
  /** Why the forward engine was chosen; the reason shown is this plus the gradient decision. */
  forwardReason: string
  /** Set when the choice came from the engine-choice cache. */
  remembered?: boolean
  /** Why onnxruntime has no gradient graph for this model, when it has none. */
  ortGradientUnavailable?: string
  /** The engine-choice cache key, in `auto` mode. */
  key?: string
  gradients?: Promise<void>
}

const attached = new WeakMap<Classifier, Attached>()

const PENDING = 'gradient engine: decided by the first job that needs input gradients'

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

const ms = (v: number) => `${v.toFixed(1)} ms`

/** A seeded probe batch of the model's input size: up to 32 images (about a megapixel-channel in all). */
function probeSize(model: Classifier): number {
  const [h, w, c] = model.info.inputShape
  return Math.max(1, Math.min(32, Math.floor(2 ** 20 / (h * w * c))))
}

/** Times both engines' forward passes on a seeded probe batch. */
async function measureForward(model: Classifier, scorer: BatchScorer): Promise<{ forward: EngineAssignment['forward']; reason: string }> {
  const n = probeSize(model)
  const images = tf.randomUniform([n, ...model.info.inputShape], 0, 1, 'float32', 7) as tf.Tensor4D
  try {
    const pixels = (await images.data()) as Float32Array
    const tfjsForward = await fastestMs(async () => tf.tidy(() => model.logits(images)).data())
    const ortForward = await fastestMs(() => scorer.scoreBatch(pixels, n))
    return {
      forward: ortForward < tfjsForward ? 'onnxruntime' : 'tfjs',
      reason: `measured: forward of ${n}: onnxruntime ${ms(ortForward)}, TF.js ${ms(tfjsForward)}`,
    }
  } finally {
    images.dispose()
  }
}

/** Times both engines' input gradients on a quarter of the probe batch. */
async function measureGradient(
  model: Classifier,
  scorer: BatchScorer,
): Promise<{ gradient: EngineAssignment['gradient']; reason: string }> {
  const m = Math.max(1, Math.floor(probeSize(model) / 4))
  const images = tf.randomUniform([m, ...model.info.inputShape], 0, 1, 'float32', 7) as tf.Tensor4D
  const labels = Int32Array.from({ length: m }, (_, i) => i % model.info.classes.length)
  const labelsT = tf.tensor1d(labels, 'int32')
  try {
    const pixels = (await images.data()) as Float32Array
    const tfjsGradient = await fastestMs(async () => {
      const g = crossEntropyGradient(model, images, labelsT)
      await g.data()
      g.dispose()
    })
    const ortGradient = await fastestMs(() => (scorer.inputGradient as NonNullable<BatchScorer['inputGradient']>)(pixels, labels))
    return {
      gradient: ortGradient < tfjsGradient ? 'onnxruntime' : 'tfjs',
      reason: `input gradient of ${m}: onnxruntime ${ms(ortGradient)}, TF.js ${ms(tfjsGradient)}`,
    }
  } finally {
    tf.dispose([images, labelsT])
  }
}

const TFJS_ONLY = (reason: string): EngineAssignment => ({ forward: 'tfjs', gradient: 'tfjs', reason })

interface AttachOptions {
  source?: LoadedModel
  lowPass?: LowPassSpec
  threads?: number
}

/**
 * Gives a model an onnxruntime scorer when the engine may use one, and decides which engine runs
 * its forward passes: the faster one by measurement in `auto` mode (remembered per machine),
 * onnxruntime wherever it can when the user forced it. The gradient engine is left to
 * prepareGradients. `source` is the Layers model the graph is written from (the model itself, or
 * the one a D1 variant wraps, with its low pass).
 */
export async function attachScorer(mode: ForwardEngine, model: Classifier, options: AttachOptions = {}): Promise<EngineAssignment> {
  const known = attached.get(model)
  if (known) return known.assignment
  const entry = await assign(mode, model, options)
  attached.set(model, entry)
  return entry.assignment
}

function ortGradientsOf(scorer: BatchScorer | undefined): boolean {
  return !!scorer?.inputGradient && !!scorer.vectorJacobian
}

async function assign(mode: ForwardEngine, model: Classifier, options: AttachOptions): Promise<Attached> {
  const tfjsOnly = (why: string): Attached => ({ assignment: TFJS_ONLY(`${why}; ${PENDING}`), mode: 'tfjs', forwardReason: why })
  const source = options.source ?? (model as LoadedModel)
  if (mode === 'tfjs') return tfjsOnly('TF.js was chosen')
  if (!source.model) return tfjsOnly('a TF.js graph model cannot be written as ONNX')
  let scorer: BatchScorer
  try {
    scorer = await createOrtClassifier(source, { lowPass: options.lowPass, threads: options.threads })
  } catch (e) {
    if (mode === 'onnxruntime') throw e
    return tfjsOnly(`onnxruntime cannot run this model (${(e as Error).message})`)
  }
  const ortGradients = ortGradientsOf(scorer)
  // Provisional until a gradient job decides: onnxruntime's graph needs no probe to be trusted.
  const gradient: EngineAssignment['gradient'] = ortGradients ? 'onnxruntime' : 'tfjs'
  let entry: Attached
  if (mode === 'onnxruntime') {
    entry = { assignment: { forward: 'onnxruntime', gradient, reason: '' }, scorer, mode, forwardReason: 'onnxruntime was chosen' }
  } else {
    const { sha256, variant, inputShape } = model.info
    const key = sha256 ? choiceKey({ sha256, variant, inputShape, tfjsBackend: tf.getBackend(), threads: options.threads ?? 2 }) : undefined
    const remembered = key ? await rememberedChoice(key) : undefined
    const measured = remembered ?? { ...(await measureForward(model, scorer)), gradient }
    entry = {
      assignment: { forward: measured.forward, gradient, reason: '' },
      scorer,
      mode,
      forwardReason: measured.reason,
      key,
      remembered: !!remembered,
    }
    // A remembered decision stands when it needs no probe: onnxruntime's graph, or TF.js timed against it.
    const standing = remembered?.gradient === 'onnxruntime' ? ortGradients : remembered?.gradientReason?.startsWith('input gradient of')
    if (remembered?.gradientReason && standing) {
      entry.assignment.gradient = remembered.gradient
      entry.gradients = Promise.resolve()
    }
    if (key && !remembered) await rememberChoice(key, { forward: measured.forward, gradient, reason: measured.reason })
    setReason(entry, standing ? remembered?.gradientReason : undefined)
  }
  entry.ortGradientUnavailable = scorer.gradientUnavailable
  if (mode === 'onnxruntime') setReason(entry, ortGradients ? '' : undefined)
  if (entry.assignment.forward === 'onnxruntime' || ortGradients) return entry
  await scorer.dispose()
  return { ...entry, scorer: undefined }
}

/** The reason shown: the forward choice, then the gradient decision ('' when the forward choice says it all). */
function setReason(entry: Attached, gradientWhy: string | undefined): void {
  const why = gradientWhy ?? PENDING
  const remembered = entry.remembered ? ' (remembered from an earlier run on this machine)' : ''
  entry.assignment.reason = `${why ? `${entry.forwardReason}; ${why}` : entry.forwardReason}${remembered}`
}

/**
 * Decides, once per model, which engine takes its input gradients: onnxruntime's gradient graph
 * when it has one (in `auto` mode, TF.js instead when it runs the forward passes faster and its
 * gradient measures faster too), else TF.js when its gradient probe passes. When neither engine
 * can differentiate the model, info.gradients becomes false, which gradient jobs refuse. Every
 * job that needs gradients awaits this first; opening a model never runs it.
 */
export async function prepareGradients(model: Classifier): Promise<void> {
  // A query-only model (one that declares no gradients) has nothing to decide.
  if (!model.info.gradients) return
  let entry = attached.get(model)
  if (!entry) {
    entry = { assignment: TFJS_ONLY('not measured'), mode: 'tfjs', forwardReason: 'not measured' }
    attached.set(model, entry)
  }
  entry.gradients ??= decideGradients(model, entry)
  await entry.gradients
}

async function decideGradients(model: Classifier, entry: Attached): Promise<void> {
  const a = entry.assignment
  const scorer = ortGradientsOf(entry.scorer) ? entry.scorer : undefined
  let why: string
  if (scorer && entry.mode === 'auto' && a.forward === 'tfjs' && tfjsGradientsWork(model)) {
    const measured = await measureGradient(model, scorer)
    a.gradient = measured.gradient
    why = measured.reason
  } else if (scorer) {
    a.gradient = 'onnxruntime'
    why =
      entry.mode === 'auto'
        ? `gradients on onnxruntime (${a.forward === 'onnxruntime' ? 'its forward pass measured faster' : 'TF.js cannot differentiate this model'})`
        : ''
  } else {
    a.gradient = 'tfjs'
    const unavailable = entry.ortGradientUnavailable
    if (tfjsGradientsWork(model)) why = `gradients on TF.js${unavailable ? ` (onnxruntime: ${unavailable})` : ''}`
    else {
      model.info.gradients = false
      why = `no engine can take input gradients of this model (TF.js: its backward pass fails${unavailable ? `; onnxruntime: ${unavailable}` : ''})`
    }
  }
  setReason(entry, why)
  if (entry.key)
    await rememberChoice(entry.key, { forward: a.forward, gradient: a.gradient, reason: entry.forwardReason, gradientReason: why })
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
