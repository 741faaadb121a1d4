import * as tf from '@tensorflow/tfjs-core'
import { crossEntropyGradient } from './cross-entropy'
import { createOrtClassifier, type BatchScorer, type LowPassSpec } from '../onnx'
import type { Classifier } from '../models/classifier'
import type { LoadedModel } from '../models'
import type { ForwardEngine } from './backend-names'
import { choiceKey, rememberChoice, rememberedChoice, type RememberedChoice } from './engine-choices'
import { tfjsGradientsWork } from '../models/gradient-probe'

/** Which engine runs a model's forward passes and its input gradients, and why. */
export interface EngineAssignment {
  forward: 'tfjs' | 'onnxruntime'
  gradient: 'tfjs' | 'onnxruntime'
  /** In words, for the Model view and `model info`: forced, measured (with the times) or unavailable. */
  reason: string
}

const PENDING = 'gradient engine: decided by the first job that needs input gradients'

/** How long one run takes, in ms. */
async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return performance.now() - start
}

/** Best of `repeats` runs after one warm-up. */
async function best(run: () => Promise<number>, repeats: number): Promise<number> {
  await run()
  let fastest = Infinity
  for (let i = 0; i < repeats; i++) fastest = Math.min(fastest, await run())
  return fastest
}

/** Best of `repeats` timed runs after one warm-up, in ms. */
const fastestMs = (run: () => Promise<unknown>, repeats = 2): Promise<number> => best(() => timed(run), repeats)

const ms = (v: number) => `${v.toFixed(1)} ms`

/** A seeded probe batch of the model's input size: up to 32 images (about a megapixel-channel in all). */
function probeSize(model: Classifier): number {
  const [h, w, c] = model.info.inputShape
  return Math.max(1, Math.min(32, Math.floor(2 ** 20 / (h * w * c))))
}

/** One timed forward pass of each engine on (part of) a probe batch of n images, in ms. */
export interface ForwardTimers {
  /** onnxruntime on the n images. */
  onnxruntime(): Promise<number>
  /** TF.js on one image (count 1) or on the n images (count n). */
  tfjs(count: number): Promise<number>
}

/** TF.js is timed no further once a run takes this many times onnxruntime's time for as many images... */
export const STOP_FACTOR = 3
/** ...and more than this: a small model's single-image time is mostly overhead, so it is timed in full. */
export const SCOUT_FLOOR_MS = 50

/**
 * Picks the forward engine by timing, each engine warmed up first, so that the timing costs a
 * small multiple of onnxruntime's own when TF.js is far slower: on a ResNet-18 at 224 px, timing
 * TF.js in full on the batch cost seconds on the first run of a one-image job and could not change
 * the answer. onnxruntime runs the probe batch; TF.js then runs one image, and stops there when
 * that is over STOP_FACTOR times onnxruntime's time per image; else it runs the batch once (its
 * warm-up), and stops there when that is over STOP_FACTOR times onnxruntime's; else both engines
 * are timed twice more on the batch and the faster best time wins. A model that is small for
 * TF.js (one image under SCOUT_FLOOR_MS) is always timed in full.
 */
export async function chooseForward(n: number, time: ForwardTimers): Promise<{ forward: EngineAssignment['forward']; reason: string }> {
  let ortForward = await best(() => time.onnxruntime(), 1)
  const stop = (tfjs: number, what: string) => ({
    forward: 'onnxruntime' as const,
    reason: `measured: forward of ${n}: onnxruntime ${ms(ortForward)}, TF.js ${ms(tfjs)} ${what} (over ${STOP_FACTOR}x onnxruntime's, so timed no further)`,
  })
  const one = await best(() => time.tfjs(1), 1)
  const large = one > SCOUT_FLOOR_MS
  if (large && n > 1 && one > (STOP_FACTOR * ortForward) / n) return stop(one, 'for 1 image')
  ortForward = Math.min(ortForward, await time.onnxruntime())
  let tfjsForward: number
  if (n === 1) tfjsForward = Math.min(one, await time.tfjs(1))
  else {
    const first = await time.tfjs(n)
    if (large && first > STOP_FACTOR * ortForward) return stop(first, 'on its first run')
    tfjsForward = Math.min(await time.tfjs(n), await time.tfjs(n))
  }
  return {
    forward: ortForward < tfjsForward ? 'onnxruntime' : 'tfjs',
    reason: `measured: forward of ${n}: onnxruntime ${ms(ortForward)}, TF.js ${ms(tfjsForward)}`,
  }
}

/** Times both engines' forward passes on a seeded probe batch (chooseForward). */
async function measureForward(model: Classifier, scorer: BatchScorer): Promise<{ forward: EngineAssignment['forward']; reason: string }> {
  const n = probeSize(model)
  const images = tf.randomUniform([n, ...model.info.inputShape], 0, 1, 'float32', 7) as tf.Tensor4D
  const one = tf.slice(images, 0, 1) as tf.Tensor4D
  try {
    const pixels = (await images.data()) as Float32Array
    return await chooseForward(n, {
      onnxruntime: () => timed(() => scorer.scoreBatch(pixels, n)),
      tfjs: (count) =>
        timed(async () => {
          const logits = tf.tidy(() => model.logits(count === 1 ? one : images))
          await logits.data()
          logits.dispose()
        }),
    })
  } finally {
    tf.dispose([images, one])
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
    const ortGradient = await fastestMs(() => scorer.inputGradient(pixels, labels))
    return {
      gradient: ortGradient < tfjsGradient ? 'onnxruntime' : 'tfjs',
      reason: `input gradient of ${m}: onnxruntime ${ms(ortGradient)}, TF.js ${ms(tfjsGradient)}`,
    }
  } finally {
    tf.dispose([images, labelsT])
  }
}

const TFJS_ONLY = (reason: string): EngineAssignment => ({ forward: 'tfjs', gradient: 'tfjs', reason })

export interface AttachOptions {
  source?: LoadedModel
  lowPass?: LowPassSpec
  threads?: number
}

/** A classifier that knows its engines (attachEngine gives it one; a plain Classifier runs on TF.js). */
export type RunnableModel<M extends Classifier = Classifier> = M & { readonly engine: ModelEngine }

/**
 * A model's engines: which one runs its forward passes and which its input gradients, why, the
 * onnxruntime scorer either may use, and what TF.js's gradient probe found. The gradient engine is
 * provisional until the first job that needs gradients decides it (prepareGradients), since finding
 * out whether an engine can differentiate a model costs a backward pass (TF.js) or writing a
 * gradient graph (onnxruntime).
 */
export class ModelEngine {
  /** The TF.js gradient probe's answer; undefined until a job first needs gradients. */
  tfjsGradients?: boolean
  private gradients?: Promise<void>

  constructor(
    private readonly model: Classifier,
    readonly assignment: EngineAssignment,
    private readonly mode: ForwardEngine,
    /** Why the forward engine was chosen; the reason shown is this plus the gradient decision. */
    private readonly forwardReason: string,
    private scorer?: BatchScorer,
    /** The engine-choice cache key, in `auto` mode. */
    private readonly key?: string,
    /** A remembered choice, when the engine-choice cache had one. */
    private readonly remembered?: RememberedChoice,
  ) {}

  /** The onnxruntime scorer whichever jobs it serves; undefined when onnxruntime cannot run the model or neither job kind uses it. */
  get ortScorer(): BatchScorer | undefined {
    return this.scorer
  }

  /** The onnxruntime scorer for this model's forward passes, when onnxruntime runs them. */
  get forwardScorer(): BatchScorer | undefined {
    return this.assignment.forward === 'onnxruntime' ? this.scorer : undefined
  }

  /** The onnxruntime scorer for this model's input gradients, when onnxruntime runs them. */
  get gradientScorer(): BatchScorer | undefined {
    return this.assignment.gradient === 'onnxruntime' ? this.scorer : undefined
  }

  /** Whether TF.js can differentiate the model: its probe, run once. */
  tfjsCanDifferentiate(): boolean {
    this.tfjsGradients ??= tfjsGradientsWork(this.model)
    return this.tfjsGradients
  }

  /** See prepareGradients. */
  async prepareGradients(): Promise<void> {
    // A query-only model (one that declares no gradients) has nothing to decide.
    if (!this.model.info.gradients) return
    this.gradients ??= this.decideGradients()
    await this.gradients
  }

  /** Marks a remembered TF.js gradient decision as standing: it was timed against onnxruntime, so it needs no probe. */
  settleGradients(): void {
    this.gradients = Promise.resolve()
  }

  private async decideGradients(): Promise<void> {
    const a = this.assignment
    // Writing onnxruntime's gradient graph is part of this decision, not of opening the model.
    const unavailable = this.scorer?.gradientUnavailable()
    const scorer = this.scorer && unavailable === undefined ? this.scorer : undefined
    let why: string
    if (scorer && this.remembered?.gradient === 'onnxruntime' && this.remembered.gradientReason !== undefined) {
      // A remembered onnxruntime decision stands once its graph is written: no probe to run.
      a.gradient = 'onnxruntime'
      why = this.remembered.gradientReason
    } else if (scorer && this.mode === 'auto' && a.forward === 'tfjs' && this.tfjsCanDifferentiate()) {
      const measured = await measureGradient(this.model, scorer)
      a.gradient = measured.gradient
      why = measured.reason
    } else if (scorer) {
      a.gradient = 'onnxruntime'
      why =
        this.mode === 'auto'
          ? `gradients on onnxruntime (${a.forward === 'onnxruntime' ? 'its forward pass measured faster' : 'TF.js cannot differentiate this model'})`
          : ''
    } else {
      a.gradient = 'tfjs'
      if (this.tfjsCanDifferentiate()) why = `gradients on TF.js${unavailable ? ` (onnxruntime: ${unavailable})` : ''}`
      else {
        this.model.info.gradients = false
        why = `no engine can take input gradients of this model (TF.js: its backward pass fails${unavailable ? `; onnxruntime: ${unavailable}` : ''})`
      }
    }
    this.setReason(why)
    if (this.key)
      await rememberChoice(this.key, { forward: a.forward, gradient: a.gradient, reason: this.forwardReason, gradientReason: why })
    // Neither job kind runs on onnxruntime: its session is released now rather than when the model closes.
    if (this.scorer && a.forward === 'tfjs' && a.gradient === 'tfjs') {
      const idle = this.scorer
      this.scorer = undefined
      await idle.dispose()
    }
  }

  /** The reason shown: the forward choice, then the gradient decision ('' when the forward choice says it all; undefined while pending). */
  setReason(gradientWhy: string | undefined): void {
    const why = gradientWhy ?? PENDING
    const remembered = this.remembered ? ' (remembered from an earlier run on this machine)' : ''
    this.assignment.reason = `${why ? `${this.forwardReason}; ${why}` : this.forwardReason}${remembered}`
  }

  /** Releases the onnxruntime sessions (the model's own weights are the model's to dispose). */
  async dispose(): Promise<void> {
    const scorer = this.scorer
    this.scorer = undefined
    await scorer?.dispose()
  }
}

/** The engines of a model a session opened; undefined for a plain Classifier (TF.js for everything). */
export function engineOf(model: Classifier): ModelEngine | undefined {
  const engine = (model as Partial<RunnableModel>).engine
  return engine instanceof ModelEngine ? engine : undefined
}

/** Gives the model its engines; not enumerable, so copies of the model (withD1's info spread) never carry them. */
function attach<M extends Classifier>(model: M, engine: ModelEngine): RunnableModel<M> {
  Object.defineProperty(model, 'engine', { value: engine, enumerable: false, configurable: true })
  return model as RunnableModel<M>
}

/**
 * Gives a model its engines: an onnxruntime scorer when the engine may use one, and the engine
 * for its forward passes: the faster one by measurement in `auto` mode (remembered per machine),
 * onnxruntime wherever it can when the user forced it. The gradient engine is left to
 * prepareGradients. `source` is the Layers model the graph is written from (the model itself, or
 * the one a D1 variant wraps, with its low pass). A model that has engines keeps them.
 */
export async function attachEngine<M extends Classifier>(
  mode: ForwardEngine,
  model: M,
  options: AttachOptions = {},
): Promise<RunnableModel<M>> {
  if (engineOf(model)) return model as RunnableModel<M>
  return attach(model, await assign(mode, model, options))
}

async function assign(mode: ForwardEngine, model: Classifier, options: AttachOptions): Promise<ModelEngine> {
  const tfjsOnly = (why: string) => new ModelEngine(model, TFJS_ONLY(`${why}; ${PENDING}`), 'tfjs', why)
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
  // Provisional until a gradient job decides: onnxruntime's graph needs no probe to be trusted.
  const gradient: EngineAssignment['gradient'] = model.info.gradients ? 'onnxruntime' : 'tfjs'
  if (mode === 'onnxruntime') {
    const engine = new ModelEngine(model, { forward: 'onnxruntime', gradient, reason: '' }, mode, 'onnxruntime was chosen', scorer)
    engine.setReason(gradient === 'onnxruntime' ? '' : undefined)
    return engine
  }
  const { sha256, variant, inputShape } = model.info
  const key = sha256 ? choiceKey({ sha256, variant, inputShape, tfjsBackend: tf.getBackend(), threads: options.threads ?? 2 }) : undefined
  const remembered = key ? await rememberedChoice(key) : undefined
  const measured = remembered ?? { ...(await measureForward(model, scorer)), gradient }
  const engine = new ModelEngine(model, { forward: measured.forward, gradient, reason: '' }, mode, measured.reason, scorer, key, remembered)
  // A remembered decision stands when it needs no probe: onnxruntime's graph (written when a job
  // first needs it), or TF.js timed against it.
  const stands =
    remembered?.gradientReason !== undefined &&
    (remembered.gradient === 'onnxruntime' || remembered.gradientReason.startsWith('input gradient of'))
  const standing = stands ? remembered.gradientReason : undefined
  if (stands) engine.assignment.gradient = remembered.gradient
  if (key && !remembered) await rememberChoice(key, { forward: measured.forward, gradient, reason: measured.reason })
  engine.setReason(standing)
  if (standing !== undefined && remembered?.gradient === 'tfjs') engine.settleGradients()
  // The scorer stays while a job may use it: forward passes, or gradients not yet decided or decided for onnxruntime.
  const gradientsOpen = model.info.gradients && (standing === undefined || engine.assignment.gradient === 'onnxruntime')
  if (engine.assignment.forward === 'tfjs' && !gradientsOpen) await engine.dispose()
  return engine
}

/**
 * Decides, once per model, which engine takes its input gradients: onnxruntime's gradient graph
 * when it has one (in `auto` mode, TF.js instead when it runs the forward passes faster and its
 * gradient measures faster too), else TF.js when its gradient probe passes. When neither engine
 * can differentiate the model, info.gradients becomes false, which gradient jobs refuse. Every
 * job that needs gradients awaits this first; opening a model never runs it. A plain Classifier
 * gets TF.js engines here, so that the probe runs once per model.
 */
export async function prepareGradients(model: Classifier): Promise<void> {
  const engine = engineOf(model) ?? attach(model, new ModelEngine(model, TFJS_ONLY('not measured'), 'tfjs', 'not measured')).engine
  await engine.prepareGradients()
}

/** The engine assignment of a model (TF.js for both when none was made). */
export function assignmentOf(model: Classifier): EngineAssignment {
  return engineOf(model)?.assignment ?? TFJS_ONLY('not measured')
}
