import { z } from 'zod'
import { job, method } from './define'
import { readPath, writeFilePath } from './paths'
import { selectionFields } from './selection'
import { maskSchema } from './spectral'

const channelValues = z.array(z.number().finite()).min(1).max(4)

/**
 * What a model expects of its input besides the pixels themselves (docs/algorithms.md
 * §Preprocessing): images stay in [0, 1] RGB NHWC everywhere in HFC Lab, and the classifier maps
 * them to the model's input inside its forward pass (and gradient): channel order first, then the
 * range [lo, hi], then (x - mean) / std per channel, mean and std in the range's units and in the
 * model's channel order. `layout` says how the model's own input tensor is laid out.
 */
export const preprocessingSchema = z
  .object({
    inputRange: z
      .tuple([z.number().finite(), z.number().finite()])
      .refine(([lo, hi]) => lo < hi, { message: 'the input range needs low < high' })
      .optional(),
    mean: channelValues.optional(),
    std: channelValues.refine((s) => s.every((v) => v > 0), { message: 'every std must be positive' }).optional(),
    channelOrder: z.enum(['rgb', 'bgr']).optional(),
    layout: z.enum(['nhwc', 'nchw']).optional(),
  })
  .strict()
export type Preprocessing = z.infer<typeof preprocessingSchema>

/** The sidecar file `<model file>.hfc.json` beside a model: its preprocessing, committed with it. */
export const modelSidecarSchema = z.object({ preprocessing: preprocessingSchema }).strict()
export type ModelSidecar = z.infer<typeof modelSidecarSchema>
export const SIDECAR_SUFFIX = '.hfc.json'

export const modelSpecSchema = z
  .object({
    path: readPath().optional(),
    defaultId: z.string().min(1).max(64).optional(),
    preprocessing: preprocessingSchema.optional(),
  })
  .strict()
  .refine((s) => (s.path ? 1 : 0) + (s.defaultId ? 1 : 0) === 1, { message: 'give exactly one of path or defaultId' })
export type ModelSpec = z.infer<typeof modelSpecSchema>

/** A defense applied to a model: none, D1 (low-pass the input) or D2 (low-pass conv kernels, docs/algorithms.md §D2). */
export const defenseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('d1'), radius: z.number().min(0).max(10_000), mask: maskSchema.default({}) }).strict(),
  z
    .object({
      kind: z.literal('d2'),
      /** Radius per conv layer in order (conv1, conv2, ...); one value filters the first conv layer only. */
      radii: z.array(z.number().min(0).max(10_000)).min(1).max(16),
      mask: maskSchema.default({}),
      mode: z.enum(['kernel', 'padded']).default('kernel'),
    })
    .strict(),
])
export type Defense = z.input<typeof defenseSchema>

/** "none", "d1:8", "d2:1" or "d2:1,2" (CLI and URLs). */
export function parseDefense(text: string): Defense {
  const t = text.trim().toLowerCase()
  if (t === 'none' || t === '') return { kind: 'none' }
  const m = /^(d1|d2):([\d.,\s]+)$/.exec(t)
  if (!m) throw new Error(`Unknown defense "${text}": use none, d1:R or d2:R1[,R2,...]`)
  const values = m[2].split(',').map((v) => Number(v.trim()))
  if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new Error(`Radii in "${text}" must be non-negative numbers`)
  return m[1] === 'd1' ? { kind: 'd1', radius: values[0] } : { kind: 'd2', radii: values }
}

/**
 * D2's default radius for a first conv layer with k x k kernels: half the kernel width, in k-grid
 * bins. It always removes something: with the strict rule d < r, a radius of sqrt(2) * floor(k/2)
 * or more keeps every bin (on 3x3 kernels the old default 2 was a no-op). docs/algorithms.md §D2.
 */
export function defaultD2Radius(kernelSize: number): number {
  return Math.max(1, Math.floor(kernelSize / 2))
}

export function describeDefense(d: Defense): string {
  if (d.kind === 'none') return 'none'
  if (d.kind === 'd1') return `d1:${d.radius}`
  return `d2:${d.radii.join(',')}`
}

/** One layer of a model as its summary lists it. */
export interface LayerSummary {
  name: string
  className: string
  outputShape: (number | null)[]
  params: number
}

/** Where a preprocessing value came from: the model file, its sidecar, the caller, or a default HFC Lab assumed. */
export type PreprocessingSource = 'metadata' | 'sidecar' | 'option' | 'assumed'

/** The preprocessing a model runs with besides its input range (see preprocessingSchema). */
export interface AppliedPreprocessing {
  /** One value per model channel, in the model's channel order; mean 0 and std 1 when none is set. */
  mean: number[]
  std: number[]
  normalizationSource: PreprocessingSource
  channelOrder: 'rgb' | 'bgr'
  channelOrderSource: PreprocessingSource
  /** The layout of the model's own input tensor; 'detected' when read from which axis has 1 or 3 entries. */
  layout: 'nhwc' | 'nchw'
  layoutSource: 'metadata' | 'detected' | 'sidecar' | 'option'
  /** The sidecar file that was read, when there was one. */
  sidecar?: string
}

/** "range 0..255, mean 0.485,0.456,0.406, std ..., BGR, NCHW": what a result was computed with. */
export function describePreprocessing(range: [number, number], p: AppliedPreprocessing | undefined): string {
  const parts = [`range ${range.join('..')}`]
  if (p) {
    if (p.mean.some((m) => m !== 0) || p.std.some((s) => s !== 1)) parts.push(`mean ${p.mean.join(',')}`, `std ${p.std.join(',')}`)
    if (p.channelOrder === 'bgr') parts.push('BGR')
    parts.push(p.layout.toUpperCase())
  }
  return parts.join(', ')
}

/** Whether nobody said what the model takes: the range assumed and no mean/std given anywhere. */
export function preprocessingAssumed(rangeSource: PreprocessingSource | undefined, p: AppliedPreprocessing | undefined): boolean {
  return rangeSource === 'assumed' && (p === undefined || p.normalizationSource === 'assumed')
}

/**
 * The guard next to an accuracy (near-chance scores mostly come from a wrong preprocessing): a
 * sentence when `accuracy` on n labelled images is near chance for `classes` classes, or when the
 * preprocessing was assumed; undefined otherwise. Near chance: at most 3x chance and below 50 %,
 * on at least 20 images.
 */
export function accuracyWarning(accuracy: number, n: number, classes: number, assumed: boolean): string | undefined {
  const chance = 1 / Math.max(classes, 1)
  const nearChance = n >= 20 && classes >= 2 && accuracy <= Math.min(0.5, 3 * chance)
  if (nearChance) {
    return `Accuracy ${(accuracy * 100).toFixed(1)} % is near chance (${(chance * 100).toFixed(1)} %)${assumed ? ' and the input range was assumed' : ''}: the preprocessing is likely wrong. Check the input range (--input-range 0,255 for raw pixels), the per-channel --mean/--std the model was trained with, the channel order (--channel-order bgr) and the input layout (--input-layout nchw).`
  }
  if (assumed)
    return 'The input range [0, 1] was assumed (the model file does not say); if the model was trained on 0-255 pixels or with a mean/std, set --input-range and --mean/--std.'
  return undefined
}

/**
 * The sidecar that reproduces what a model was opened with: every value someone stated (option,
 * sidecar or the file), none that HFC Lab assumed or detected.
 */
export function sidecarOf(info: Pick<ModelSummary, 'inputRange' | 'inputRangeSource' | 'preprocessing'>): ModelSidecar {
  const p = info.preprocessing
  const stated: Preprocessing = {}
  if (info.inputRangeSource !== 'assumed') stated.inputRange = [...info.inputRange]
  if (p.normalizationSource !== 'assumed') Object.assign(stated, { mean: [...p.mean], std: [...p.std] })
  if (p.channelOrderSource !== 'assumed') stated.channelOrder = p.channelOrder
  if (p.layoutSource === 'option' || p.layoutSource === 'sidecar') stated.layout = p.layout
  return { preprocessing: stated }
}

export interface ModelSummary {
  name: string
  format: string
  source: string
  inputShape: [number, number, number]
  inputRange: [number, number]
  inputRangeSource: PreprocessingSource
  preprocessing: AppliedPreprocessing
  classes: string[]
  layers: LayerSummary[]
  totalParams: number
  gradients: boolean
  sha256: string
  variant: string
  convLayers: string[]
  /** Which engine runs this model's forward passes and input gradients, and why. */
  engine: { forward: 'tfjs' | 'onnxruntime'; gradient: 'tfjs' | 'onnxruntime'; reason: string }
}

export interface OpenedModel {
  id: string
  info: ModelSummary
}

export interface DefaultModel {
  id: string
  name: string
  description: string
  available: boolean
}

export interface Evaluation {
  n: number
  accuracy: number
  classes: string[]
  perClass: { class: string; n: number; accuracy: number }[]
  /** confusion[true][predicted] counts. */
  confusion: number[][]
  defense: string
  /** describePreprocessing of the model evaluated, and whether it was assumed (preprocessingAssumed). */
  preprocessing?: string
  preprocessingAssumed?: boolean
  /** accuracyWarning's sentence: near chance, or the input range assumed. */
  warning?: string
}

export interface KernelEntry {
  /** Output filter and input channel of this k x k slice. */
  outChannel: number
  inChannel: number
  /** Row-major k x k weights before and after D2. */
  before: number[]
  after: number[]
  /** ||w - w_l||^2 / ||w||^2 of this slice. */
  energyRemoved: number
}

/** What D2 at `radius` does to one conv layer's kernels (docs/algorithms.md §D2). */
export interface LayerKernelReport {
  layer: string
  kernelShape: [number, number, number, number]
  radius: number
  mode: 'kernel' | 'padded'
  rule: 'strict' | 'inclusive'
  /** The grid the mask acts on: [kh, kw], or the layer's padded input size. */
  grid: [number, number]
  keptBins: number
  totalBins: number
  /** Energy removed over the whole layer. */
  energyRemovedFraction: number
  /** Largest |Im| of the inverse transform, discarded because D2 keeps the real part. */
  maxImag: number
  kernels: KernelEntry[]
}

/** model.kernels: one layer's report, with the conv layers to choose from and the pictures' shared colour scale. */
export interface KernelReport extends LayerKernelReport {
  convLayers: string[]
  /** Shared colour scale: the largest |weight| before filtering. */
  maxAbs: number
}

export interface GradientMaps {
  indices: Int32Array
  labels: Int32Array
  shape: [number, number, number]
  /** d(sum of cross-entropies of the true labels) / d(pixels on the [0, 1] scale), N x H x W x C. */
  gradient: Float32Array
  /** Radial energy profiles (docs/algorithms.md §Beyond the paper) of the gradients and of the images, each summing to 1. */
  gradientProfile: number[]
  imageProfile: number[]
  engine: 'tfjs' | 'onnxruntime'
}

export interface Theorem1Check {
  layer: string
  radius: number
  /** max |conv(x_l, w) - conv(x, w_l)| under circular convolution on the n-grid (Theorem 1: ~0). */
  circularMaxDiff: number
  /** The same with the model's real padding and k x k filtering, relative to max |feature|. */
  modelPaddingRelDiff: number
  featureMaxAbs: number
}

const id = z.string().min(1).max(64)

export const modelMethods = {
  'model.defaults': method(z.object({}).strict(), 'The embedded default models.').returns<DefaultModel[]>(),
  'model.open': method(modelSpecSchema, 'Loads a model (TF.js, Keras .h5/.keras) and returns its id and summary.').returns<OpenedModel>(),
  'model.close': method(
    z.object({ modelId: id }).strict(),
    'Closes an opened model or variant, and the variants made from it, on every worker.',
  ).returns<{ closed: boolean }>(),
  'model.variant': method(
    z.object({ modelId: id, defense: defenseSchema }).strict(),
    'A defended copy of an opened model (D1 input low-pass or D2 kernel low-pass); the original stays untouched.',
  ).returns<OpenedModel>(),
  'model.predict': job(
    z.object({ modelId: id, datasetId: id, ...selectionFields }).strict(),
    'Top-1 class and confidence of every selected image.',
  ).returns<{
    indices: Int32Array
    labels: Int32Array
    confidences: Float32Array
  }>(),
  'model.evaluate': job(
    z.object({ modelId: id, datasetId: id, defense: defenseSchema.default({ kind: 'none' }), ...selectionFields }).strict(),
    'Clean accuracy, per-class accuracy and the confusion matrix.',
  ).returns<Evaluation>(),
  'model.kernels': method(
    z
      .object({
        modelId: id,
        layer: z.string().max(256).optional(),
        radius: z.number().min(0).max(10_000),
        mask: maskSchema.default({}),
        mode: z.enum(['kernel', 'padded']).default('kernel'),
      })
      .strict(),
    'Every kernel of a conv layer before and after the D2 low pass, with energy removed and imaginary part discarded.',
  ).returns<KernelReport>(),
  'model.gradient': job(
    z.object({ modelId: id, datasetId: id, ...selectionFields }).strict(),
    "Input gradients of the summed cross-entropy of the true labels, with their radial energy profile beside the images'.",
  ).returns<GradientMaps>(),
  'model.export': job(
    z
      .object({
        modelId: id,
        defense: defenseSchema.default({ kind: 'none' }),
        format: z.literal('onnx'),
        out: writeFilePath('.onnx'),
        layout: z.enum(['nchw', 'nhwc']).default('nchw'),
        force: z.boolean().default(false),
      })
      .strict(),
    'Writes a model (or its D2 variant) as ONNX, NCHW input by default, so Python and onnxruntime can run it.',
  ).returns<{ out: string; bytes: number; sha256: string }>(),
  'model.saveSidecar': method(
    z.object({ modelId: id, out: writeFilePath(SIDECAR_SUFFIX), force: z.boolean().default(false) }).strict(),
    `Writes the preprocessing an opened model was given or read (never what was assumed) as a ${SIDECAR_SUFFIX} sidecar, normally <model file>${SIDECAR_SUFFIX}.`,
  ).returns<{ out: string }>(),
  'model.theorem1': method(
    z
      .object({
        modelId: id,
        datasetId: id,
        index: z.number().int().min(0),
        radius: z.number().min(0),
        layer: z.string().max(256).optional(),
      })
      .strict(),
    'Checks f(x_l; θ) vs f(x; θ_l) at the first conv layer: exact under circular convolution, approximate with real padding.',
  ).returns<Theorem1Check>(),
}
