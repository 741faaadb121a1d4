import { createHash } from 'node:crypto'
import { basename, dirname } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { AppliedPreprocessing, Preprocessing } from '../../protocol/models'
import { LabError } from '../base/errors'
import { checkModelInput } from '../base/input-limits'
import { registerFastWasmOps } from '../ops'
import type { ModelInfo } from './classifier'
import { LayersClassifier, type LoadedModel } from './layers-classifier'
import { metadataPreprocessing, settlePreprocessing } from './preprocessing'
import { layerSummaries, parameterCounts } from './model-summary'
import type { NormalizedTopology } from './keras-config'
import { applyLayerWeights, type WeightsByLayer } from './keras-weights'
import { boundInitializers } from './bounded-initializer'

export interface ModelFile {
  path: string
  bytes: Uint8Array
}

/**
 * The caller's preprocessing (it overrides the sidecar and the file: registry.ts settles it after
 * loading; loaders read only `layout`, which decides how a graph's input is read) and class names.
 */
export interface OpenModelOptions extends Preprocessing {
  /** Class names, when the file does not give them. */
  classes?: string[]
}

/** What a loader learnt from the file besides the layers themselves. */
export interface LoadFacts {
  format: string
  source: string
  files: ModelFile[]
  metadata?: { inputRange?: unknown; classes?: unknown; preprocessing?: unknown }
  outputSoftmaxRemoved: boolean
  /** How the file's input tensor is laid out (ONNX: NCHW or NHWC); default NHWC, as Keras and TF.js Layers are. */
  layout?: { layout: AppliedPreprocessing['layout']; source: AppliedPreprocessing['layoutSource'] }
}

/** Builds an (untrained) Layers model from a normalized topology; the caller sets the weights. */
export async function modelFromTopology(topology: NormalizedTopology, source: string): Promise<tfl.LayersModel> {
  try {
    return await tfl.models.modelFromJSON({ modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'] } as never)
  } catch (e) {
    if (e instanceof LabError) throw new LabError(e.code, `${source}: ${e.message}.`)
    throw new LabError(
      'MODEL_BAD_CONFIG',
      `${source}: its model configuration could not be built (${(e as Error).message.split('\n')[0]}).`,
    )
  }
}

function isRange(value: unknown): value is [number, number] {
  return (
    Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v)) && value[0] < value[1]
  )
}

function digest(files: ModelFile[]): { records: NonNullable<ModelInfo['files']>; sha256: string } {
  const records = files.map((f) => ({ path: f.path, bytes: f.bytes.length, sha256: createHash('sha256').update(f.bytes).digest('hex') }))
  const sha256 =
    records.length === 1
      ? records[0].sha256
      : createHash('sha256')
          .update(records.map((r) => r.sha256).join('\n'))
          .digest('hex')
  return { records, sha256 }
}

/** The file name without extension, or the folder's name for a model.json. */
function modelName(source: string): string {
  const file = basename(source)
  return file.toLowerCase() === 'model.json' ? basename(dirname(source)) : file.replace(/\.[^.]+$/, '')
}

/** Checks that a loaded model is an image classifier and wraps it with everything ModelInfo records. */
export function finishLoadedModel(model: tfl.LayersModel, facts: LoadFacts, options: OpenModelOptions = {}): LoadedModel {
  const fail = (message: string): never => {
    model.dispose()
    throw new LabError('MODEL_NOT_IMAGE_CLASSIFIER', `${facts.source}: ${message}`)
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    fail(
      `it has ${model.inputs.length} inputs and ${model.outputs.length} outputs; HFC Lab needs one image input and one class-score output.`,
    )
  const inShape = model.inputs[0].shape
  if (inShape.length !== 4 || inShape.slice(1).some((d) => d === null))
    fail(
      `its input has the shape [${inShape.map((d) => d ?? 'any')}]; HFC Lab needs images of a fixed [batch, height, width, channels] shape.`,
    )
  const outShape = model.outputs[0].shape
  if (outShape.length !== 2 || outShape[1] === null)
    fail(`its output has the shape [${outShape.map((d) => d ?? 'any')}]; HFC Lab needs [batch, classes].`)
  const classCount = outShape[1] as number
  const inputShape = inShape.slice(1) as [number, number, number]
  try {
    checkModelInput(inputShape, facts.source)
  } catch (e) {
    model.dispose()
    throw e
  }

  const metaClasses = facts.metadata?.classes
  const fileClasses = Array.isArray(metaClasses) && metaClasses.length === classCount ? metaClasses.map(String) : undefined
  if (options.classes && options.classes.length !== classCount) {
    fail(`${options.classes.length} class names were given, but the model has ${classCount} outputs.`)
  }
  const classes = fileClasses ?? options.classes ?? Array.from({ length: classCount }, (_, i) => String(i))
  const classesSource = fileClasses ? 'metadata' : options.classes ? 'option' : 'indices'

  // The file's range, over which the caller's is settled below (and the sidecar's in registry.ts).
  const metaRange = facts.metadata?.inputRange
  const inputRange: [number, number] = isRange(metaRange) ? metaRange : [0, 1]
  const inputRangeSource = isRange(metaRange) ? 'metadata' : 'assumed'
  if (options.inputRange && !isRange(options.inputRange)) fail(`the input range [${options.inputRange}] is not a valid [low, high] pair.`)
  const preprocessing = metadataPreprocessing(inputShape[2], facts.metadata?.preprocessing, facts.layout)

  const { records, sha256 } = digest(facts.files)
  const counts = parameterCounts(model)
  const info: ModelInfo = {
    name: modelName(facts.source),
    format: facts.format,
    source: facts.source,
    inputShape,
    inputRange,
    classes,
    layers: layerSummaries(model),
    totalParams: counts.total,
    gradients: false,
    sha256,
    variant: '',
    inputRangeSource,
    preprocessing,
    classesSource,
    files: records,
    trainableParams: counts.trainable,
    outputSoftmaxRemoved: facts.outputSoftmaxRemoved,
  }
  try {
    settlePreprocessing(info, options)
  } catch (e) {
    model.dispose()
    throw e
  }
  // Whether an engine really differentiates it is decided lazily, by the first job that needs
  // gradients (forward.ts prepareGradients); a Layers model is differentiable until then.
  info.gradients = true
  // Stock wasm cannot backpropagate through a conv layer (no Conv2DBackpropFilter kernel).
  if (tf.getBackend() === 'wasm') registerFastWasmOps()
  return new LayersClassifier(model, info)
}

/**
 * The tail every Keras loader shares: build the layers from the normalized config (a final softmax
 * removed so logits() gives logits), set the weights read by `readWeights` (given the layer names),
 * and record the file.
 */
export async function kerasLoadedModel(
  topology: NormalizedTopology,
  softmaxRemoved: boolean,
  readWeights: (layerNames: string[]) => Promise<WeightsByLayer>,
  /** The file's name, for error messages. */
  label: string,
  facts: Omit<LoadFacts, 'outputSoftmaxRemoved'>,
  options: OpenModelOptions,
): Promise<LoadedModel> {
  const weights = await readWeights(topology.config.layers.map((l) => String(l.config.name)))
  const largest = Math.max(0, ...[...weights.values()].flat().map((w) => w.values.length))
  const model = await modelFromTopology(boundInitializers(topology, largest), label)
  try {
    applyLayerWeights(model, weights, label)
  } catch (e) {
    model.dispose()
    throw e
  }
  return finishLoadedModel(model, { ...facts, outputSoftmaxRemoved: softmaxRemoved }, options)
}
