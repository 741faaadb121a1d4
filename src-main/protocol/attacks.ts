import { z } from 'zod'
import { job, method } from './define'
import { defenseSchema, type Defense } from './models'
import { selectionFields } from './selection'

export interface ParamInfo {
  name: string
  type: 'number' | 'integer' | 'boolean' | 'enum' | 'number-list'
  default?: number | boolean | string | number[]
  min?: number
  max?: number
  exclusiveMin?: boolean
  exclusiveMax?: boolean
  description: string
  choices?: string[]
  optional: boolean
}

export interface AttackInfo {
  id: string
  label: string
  /** One sentence for tooltips and `--help`. */
  summary: string
  /** Whether the attack needs input gradients (refused on models without them). */
  needsGradients: boolean
  /** Whether it minimises the perturbation (a curve over ε) or works at a fixed budget. */
  kind: 'minimisation' | 'fixed-budget' | 'either'
  params: ParamInfo[]
}

export const attackChoiceSchema = z.object({ id: z.string().min(1).max(32), params: z.record(z.unknown()).default({}) }).strict()
export type AttackChoice = z.input<typeof attackChoiceSchema>

/**
 * Every attack's success rule: the attacked model's logit margin z_y − max_{j≠y} z_j on the
 * adversarial must be below −MARGIN_TAU, so that float differences between engines (about 1e-5
 * on logits) cannot turn a reported adversarial back into a correct prediction.
 */
export const MARGIN_TAU = 1e-3
export const MARGIN_RULE = `An adversarial counts only when the model's logit margin (true-class logit minus the best other logit) is below −${MARGIN_TAU}: a misclassification nearer a tie could flip back on another engine.`

/**
 * The perturbation norms of the robustness curves, all on the [0, 1] pixel scale. rms is the L2
 * distance divided by √(values per image), i.e. √MSE: like L∞ it is 1.0 for the largest possible
 * perturbation, so its curve spans ε ∈ [0, 1] (docs/algorithms.md §evaluation protocol).
 */
export const normSchema = z.enum(['linf', 'l2', 'mse', 'rms'])
export type Norm = z.infer<typeof normSchema>
export const protocolSchema = z.enum(['transfer', 'direct', 'adaptive'])
export type EvalProtocol = z.infer<typeof protocolSchema>

/**
 * Where each adversarial puts its energy (docs/algorithms.md §Beyond the paper): the radial
 * energy profile of x_adv − x per sample, `bins` values each (radius ρ = 0 .. bins − 1 in frequency
 * bins, the floor of the distance from the zero frequency of the centred spectrum, energy summed
 * over channels), each normalised to sum 1. All zeros where the adversarial is the clean image.
 */
export interface PerturbationSpectra {
  bins: number
  /** Row-major [samples, bins]. */
  profiles: Float32Array
}

/**
 * The mean profile of the samples where `include` is 1 and the perturbation is not zero (each
 * adversarial counts once, whatever its size); all zeros when there is none.
 */
export function meanSpectrum(spectra: PerturbationSpectra, include: ArrayLike<number>): number[] {
  const { bins, profiles } = spectra
  const mean = new Array<number>(bins).fill(0)
  let count = 0
  for (let i = 0; i < include.length; i++) {
    if (!include[i]) continue
    const row = profiles.subarray(i * bins, (i + 1) * bins)
    if (!row.some((v) => v > 0)) continue
    for (let k = 0; k < bins; k++) mean[k] += row[k]
    count += 1
  }
  return count ? mean.map((v) => v / count) : mean
}

export interface CurveData {
  norm: Norm
  epsMax: number
  grid: number[]
  accuracy: number[]
  auc: number
  aucTrapezoid: number
  cleanAccuracy: number
  adversarialAccuracy: number
  count: number
  /** Per sample: distance in the curve's norm, and whether the scored model is right on x and on a. */
  distances: Float32Array
  cleanCorrect: Uint8Array
  adversarialCorrect: Uint8Array
  /** Per sample: the scored model's label on the adversarial (curves scored by a model; absent when built from outcomes alone). */
  adversarialPredicted?: Int32Array
}

export interface CurveEntryData {
  attack: string
  attackLabel: string
  params: Record<string, unknown>
  defense: string
  defenseKind: 'none' | 'd1' | 'd2'
  protocol: EvalProtocol
  successRate: number
  medianDistance: number
  meanQueries: number
  curve: CurveData
  success: Uint8Array
  /** Per sample: the attacked model's logit margin on the adversarial (see MarginRule). */
  margin: Float32Array
  queries: Int32Array
  /** Per sample: the radial energy profile of the adversarial's perturbation on the attacked model. */
  spectrum: PerturbationSpectra
}

/**
 * What attack.curve streams as each (attack, defence, protocol) entry finishes; a pooled sweep passes
 * an entry on once every worker has measured it, merged, so the caller sees whole entries either way.
 */
export interface CurveEntryPartial {
  type: 'curve-entry'
  entry: CurveEntryData
}

/** A defense's worst case over every attack and protocol of a sweep (docs/algorithms.md, curves and AUC). */
export interface EnvelopeCurve {
  norm: Norm
  epsMax: number
  grid: number[]
  /**
   * Per-sample worst case: at each ε a sample counts as correct only if it survives every
   * curve's attack at that budget, acc(ε) = (1/N) Σ_i min_k α_ik(ε).
   */
  accuracy: number[]
  /** Exact area under `accuracy` on [0, epsMax]. */
  auc: number
  aucTrapezoid: number
  /** The pointwise minimum of the curves' accuracies (an upper bound of `accuracy`). */
  pointwiseMin: number[]
  count: number
  curves: number
}

export interface EnvelopeData {
  defense: string
  envelope: EnvelopeCurve
}

export interface CurveRun {
  /** Handle for fetching the examples behind a curve point (kept by the engine until it restarts). */
  runId: string
  indices: Int32Array
  labels: Int32Array
  entries: CurveEntryData[]
  skipped: { attack: string; defense: string; protocol: EvalProtocol; reason: string }[]
  envelopes: EnvelopeData[]
  cancelled: boolean
}

export interface AttackRun {
  attack: string
  params: Record<string, unknown>
  defense: string
  shape: [number, number, number]
  indices: Int32Array
  labels: Int32Array
  /** Prediction and softmax confidence on the clean image and on the adversarial. */
  cleanPredicted: Int32Array
  predicted: Int32Array
  confidence: Float32Array
  /** 1 where the adversarial passes the success rule: margin < −MARGIN_TAU. */
  success: Uint8Array
  /** Per sample: z_y − max_{j≠y} z_j on the adversarial (on the clean image where the attack failed). */
  margin: Float32Array
  l2: Float32Array
  linf: Float32Array
  queries: Int32Array
  /** Per sample: the radial energy profile of adversarial − clean. */
  spectrum: PerturbationSpectra
  extra: Record<string, Float32Array | Int32Array>
  /** NHWC [0, 1] adversarials, only when asked for (returnAdversarials). */
  adversarial?: Float32Array
}

export interface CurveExamples {
  eps: number
  rows: {
    index: number
    label: number
    /** The scored model's label on the adversarial: what the defense (or the undefended model) now says. */
    predicted: number
    distance: number
    adversarialCorrect: boolean
    original: Float32Array
    adversarial: Float32Array
    /** The radial energy profile of adversarial − original (PerturbationSpectra's, one row). */
    spectrum: Float32Array
  }[]
  shape: [number, number, number]
}

/** Everything a curve preset sets: the form of the Attacks view, or the flags of `hfc-lab curve`. */
export interface CurvePresetSettings {
  attacks: { id: string; params: Record<string, unknown> }[]
  defenses: Defense[]
  protocols: EvalProtocol[]
  norm: Norm
  /** Random sample of n images drawn with seed. */
  n: number
  seed: number
}

export interface CurvePresetInfo {
  id: string
  label: string
  /** What the preset's curves show, in a sentence or two a user can act on. */
  description: string
  /** The paper's figures it reproduces; empty when it goes beyond them. */
  figures: string[]
  /** The settings resolved for the image size asked for. */
  settings: CurvePresetSettings
}

const id = z.string().min(1).max(64)

export const attackMethods = {
  'attack.list': method(z.object({}).strict(), 'Every attack with its parameters and the defaults of docs/algorithms.md §Attacks.').returns<
    AttackInfo[]
  >(),
  'attack.presets': method(
    z.object({ height: z.number().int().min(1).max(8192).default(28), width: z.number().int().min(1).max(8192).default(28) }).strict(),
    'The named curve presets (the paper figures, the direct-attack contrast), resolved for images of the given size.',
  ).returns<CurvePresetInfo[]>(),
  'attack.run': job(
    z
      .object({
        modelId: id,
        datasetId: id,
        attack: attackChoiceSchema,
        defense: defenseSchema.default({ kind: 'none' }),
        batchSize: z.number().int().min(1).max(4096).default(64),
        returnAdversarials: z.boolean().default(false),
        ...selectionFields,
      })
      .strict(),
    'Runs one attack on a selection; per-sample success, distances (L2, Linf on [0, 1]), queries and predictions.',
  ).returns<AttackRun>(),
  'attack.curve': job(
    z
      .object({
        modelId: id,
        datasetId: id,
        attacks: z.array(attackChoiceSchema).min(1).max(16),
        defenses: z
          .array(defenseSchema)
          .min(1)
          .max(16)
          .default([{ kind: 'none' }]),
        protocols: z.array(protocolSchema).min(1).default(['transfer']),
        norm: normSchema.default('linf'),
        points: z.number().int().min(2).max(10_001).default(101),
        batchSize: z.number().int().min(1).max(4096).default(64),
        ...selectionFields,
      })
      .strict(),
    'Accuracy versus maximum perturbation for every attack x defense x protocol, with AUC and worst-case envelopes.',
  ).returns<CurveRun, CurveEntryPartial>(),
  'attack.examples': method(
    z
      .object({
        runId: z.string().min(1).max(64),
        entry: z.number().int().min(0),
        eps: z.number().min(0),
        max: z.number().int().min(1).max(64).default(16),
      })
      .strict(),
    'The samples behind a curve point: those whose adversarial is within eps, with the clean and adversarial images.',
  ).returns<CurveExamples>(),
}

/** The frequency band a band-limited FGSM/PGD perturbation is confined to (docs/algorithms.md §band-limited attacks). */
export interface BandChoice {
  band: 'all' | 'low' | 'high' | 'annulus'
  bandRadius: number
  bandRadius2: number
}

/** "all", "low:R", "high:R" or "annulus:R1-R2" (the CLI's --band) to the band parameters. */
export function parseBand(text: string): Partial<BandChoice> {
  const t = text.trim().toLowerCase()
  if (t === 'all' || t === 'none') return { band: 'all' }
  const m = /^(low|high):([\d.]+)$/.exec(t) ?? /^(annulus):([\d.]+)-([\d.]+)$/.exec(t)
  if (!m) throw new Error(`Unknown band "${text}": use all, low:R, high:R or annulus:R1-R2 (radii in frequency bins)`)
  const r = Number(m[2])
  if (m[1] !== 'annulus') return { band: m[1] as 'low' | 'high', bandRadius: r }
  const r2 = Number(m[3])
  if (!(r2 > r)) throw new Error(`The annulus "${text}" needs an outer radius above the inner one`)
  return { band: 'annulus', bandRadius: r, bandRadius2: r2 }
}
