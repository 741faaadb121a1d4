import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import {
  modelSidecarSchema,
  preprocessingSchema,
  SIDECAR_SUFFIX,
  type AppliedPreprocessing,
  type Preprocessing,
} from '../../protocol/models'
import { LabError } from '../base/errors'
import type { ModelInfo } from './classifier'

/**
 * The layout of a 4-D image input [batch, a, b, c] from where its 1- or 3-channel axis is:
 * NHWC when only the last axis could hold channels, NCHW otherwise (as PyTorch exports).
 */
export function detectImageLayout(dims: readonly number[]): AppliedPreprocessing['layout'] {
  const counts = [1, 3]
  return counts.includes(dims[3]) && !counts.includes(dims[1]) ? 'nhwc' : 'nchw'
}

/** The preprocessing a model has before the caller's and the sidecar's settings: identity, NHWC. */
export function identityPreprocessing(channels: number, layout: AppliedPreprocessing['layout'] = 'nhwc'): AppliedPreprocessing {
  return {
    mean: new Array<number>(channels).fill(0),
    std: new Array<number>(channels).fill(1),
    normalizationSource: 'assumed',
    channelOrder: 'rgb',
    channelOrderSource: 'assumed',
    layout,
    layoutSource: 'metadata',
  }
}

/**
 * What a model file's own metadata says (the `preprocessing` block HFC Lab writes into the files it
 * exports), over the identity; values of the wrong length for `channels` are ignored.
 */
export function metadataPreprocessing(
  channels: number,
  metadata: unknown,
  layout: { layout: AppliedPreprocessing['layout']; source: AppliedPreprocessing['layoutSource'] } = { layout: 'nhwc', source: 'metadata' },
): AppliedPreprocessing {
  const p = { ...identityPreprocessing(channels, layout.layout), layoutSource: layout.source }
  const parsed = preprocessingSchema.safeParse(metadata)
  if (metadata === undefined || !parsed.success) return p
  const { mean, std, channelOrder } = parsed.data
  if (mean?.length === channels && std?.length === channels) Object.assign(p, { mean, std, normalizationSource: 'metadata' })
  if (channelOrder) Object.assign(p, { channelOrder, channelOrderSource: 'metadata' })
  return p
}

/**
 * The sidecar `<model file>.hfc.json` beside a model, when there is one. A sidecar that is not
 * JSON or not of the schema is a named error: a wrong preprocessing must not pass silently.
 */
export async function readSidecar(modelFile: string): Promise<{ path: string; preprocessing: Preprocessing } | undefined> {
  const path = modelFile + SIDECAR_SUFFIX
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
    throw new LabError(
      'MODEL_BAD_SIDECAR',
      `The preprocessing file ${path} cannot be read (${(e as Error).message}). Fix its permissions or remove it.`,
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new LabError(
      'MODEL_BAD_SIDECAR',
      `${basename(path)} is not valid JSON (${(e as Error).message}). Fix it or remove it; it should look like {"preprocessing": {"inputRange": [0, 1], "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}}.`,
    )
  }
  const parsed = modelSidecarSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new LabError(
      'MODEL_BAD_SIDECAR',
      `${basename(path)}: ${issue.path.join('.') || 'the file'}: ${issue.message}. It takes {"preprocessing": {inputRange, mean, std, channelOrder, layout}}; fix it or remove it.`,
    )
  }
  return { path, preprocessing: parsed.data.preprocessing }
}

function perChannel(values: number[], channels: number, what: string, name: string): number[] {
  if (values.length === 1) return new Array<number>(channels).fill(values[0])
  if (values.length !== channels)
    throw new LabError(
      'MODEL_BAD_PREPROCESSING',
      `${name} takes ${channels} channel(s), but ${values.length} values were given for its ${what}. Give one value, or one per channel.`,
    )
  return [...values]
}

/**
 * Settles a freshly loaded model's preprocessing: each value from the caller's option, else the
 * sidecar, else what the file says (the loader filled info), else the default it already holds.
 * The layout the loader used must be the one asked for: it decides how the graph was read.
 * Settling again with the same option (loader, then registry with the sidecar) changes nothing.
 */
export function settlePreprocessing(
  info: ModelInfo,
  option: Preprocessing = {},
  sidecar?: { path: string; preprocessing: Preprocessing },
): void {
  const side = sidecar?.preprocessing ?? {}
  const pick = <K extends keyof Preprocessing>(key: K): { value: Preprocessing[K]; source: 'option' | 'sidecar' } | undefined =>
    option[key] !== undefined
      ? { value: option[key], source: 'option' }
      : side[key] !== undefined
        ? { value: side[key], source: 'sidecar' }
        : undefined
  const channels = info.inputShape[2]
  const current = info.preprocessing ?? identityPreprocessing(channels)
  const p: AppliedPreprocessing = { ...current }

  const range = pick('inputRange')
  if (range) Object.assign(info, { inputRange: [...range.value!], inputRangeSource: range.source })
  const mean = pick('mean')
  const std = pick('std')
  if (mean || std) {
    p.mean = mean ? perChannel(mean.value!, channels, 'mean', info.name) : new Array<number>(channels).fill(0)
    p.std = std ? perChannel(std.value!, channels, 'std', info.name) : new Array<number>(channels).fill(1)
    p.normalizationSource = (mean ?? std)!.source
  }
  const order = pick('channelOrder')
  if (order) {
    if (order.value === 'bgr' && channels !== 3)
      throw new LabError('MODEL_BAD_PREPROCESSING', `${info.name} takes ${channels} channel(s); the BGR channel order needs 3.`)
    p.channelOrder = order.value!
    p.channelOrderSource = order.source
  }
  const layout = pick('layout')
  if (layout) {
    if (layout.value !== p.layout)
      throw new LabError(
        'MODEL_BAD_PREPROCESSING',
        `${info.name} (${info.format}) reads its input as ${p.layout.toUpperCase()}; the layout ${layout.value!.toUpperCase()} cannot be applied to this format. Drop the layout setting.`,
      )
    p.layoutSource = layout.source
  }
  if (sidecar) p.sidecar = sidecar.path
  info.preprocessing = p
}

/**
 * [0, 1] RGB NHWC images → the model's input values: channel order, then the range [lo, hi],
 * then (x - mean) / std per channel, folded into one affine map x·a + b with
 * a = (hi - lo) / std and b = (lo - mean) / std (docs/algorithms.md §Preprocessing). The ONNX
 * forward graph (export-onnx.ts) writes the same map, so both engines compute the same values
 * and gradients flow through it.
 */
export function toModelInput(images: tf.Tensor4D, info: ModelInfo): tf.Tensor4D {
  const { scale, shift, reverse } = preprocessingAffine(info)
  return tf.tidy(() => {
    let x: tf.Tensor4D = reverse ? tf.reverse(images, 3) : images
    if (scale.some((a) => a !== 1)) x = tf.mul(x, tf.tensor1d(scale))
    if (shift.some((b) => b !== 0)) x = tf.add(x, tf.tensor1d(shift))
    return x
  })
}

/** The per-channel affine map of toModelInput, and whether channels are reversed first (RGB → BGR). */
export interface PreprocessingAffine {
  scale: number[]
  shift: number[]
  reverse: boolean
}

export function preprocessingAffine(info: Pick<ModelInfo, 'inputRange' | 'preprocessing' | 'inputShape'>): PreprocessingAffine {
  const [lo, hi] = info.inputRange
  const channels = info.inputShape[2]
  const p = info.preprocessing ?? identityPreprocessing(channels)
  return {
    scale: p.std.map((s) => (hi - lo) / s),
    shift: p.std.map((s, c) => (lo - p.mean[c]) / s),
    reverse: p.channelOrder === 'bgr',
  }
}
