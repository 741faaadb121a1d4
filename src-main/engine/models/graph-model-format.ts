import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { LabError } from '../base/errors'
import { checkModelInput } from '../base/input-limits'
import { registerFastWasmOps } from '../ops'
import type { ModelInfo } from './classifier'
import { NodeAttrs, type GraphNode } from './graph-attrs'
import { GraphClassifier } from './graph-classifier'
import { hfcLabMetadata } from './hfc-lab-metadata'
import type { ModelFormat } from './model-format'
import { detectImageLayout, metadataPreprocessing } from './preprocessing'
import { readWeightShards } from './tfjs-weights'

interface GraphModelJson {
  format?: string
  modelTopology?: { node?: GraphNode[] }
  weightsManifest?: tf.io.WeightsManifestConfig
  signature?: { inputs?: Record<string, { name?: string }>; outputs?: Record<string, { name?: string }> }
  userDefinedMetadata?: unknown
}

/** The output tensor: the signature's, else the one node nothing consumes. */
function outputRef(json: GraphModelJson, nodes: GraphNode[], source: string): [string, number] {
  const named = Object.values(json.signature?.outputs ?? {})
  if (named.length > 1) throw new LabError('MODEL_OUTPUTS', `${source} has ${named.length} outputs; HFC Lab needs one class-score output.`)
  if (named[0]?.name) {
    const [name, index] = named[0].name.split(':')
    return [name, Number(index ?? 0)]
  }
  const consumed = new Set(nodes.flatMap((n) => (n.input ?? []).map((r) => r.replace(/^\^/, '').split(':')[0])))
  const sinks = nodes.filter((n) => !consumed.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp')
  if (sinks.length !== 1)
    throw new LabError(
      'MODEL_OUTPUTS',
      `${source}: cannot tell which of ${sinks.length} unconsumed nodes is the output; give the model a signature.`,
    )
  return [sinks[0].name, 0]
}

/** Classifiers must give logits: step back over a final Softmax (and Identity) node. */
function logitsRef(nodes: Map<string, GraphNode>, ref: [string, number]): { ref: [string, number]; removed: boolean } {
  let node = nodes.get(ref[0])
  let current = ref
  while (node?.op === 'Identity' && node.input?.[0]) {
    current = [node.input[0].split(':')[0], Number(node.input[0].split(':')[1] ?? 0)]
    node = nodes.get(current[0])
  }
  if (node?.op === 'Softmax' && node.input?.[0])
    return { ref: [node.input[0].split(':')[0], Number(node.input[0].split(':')[1] ?? 0)], removed: true }
  return { ref, removed: false }
}

export const graphModelFormat: ModelFormat = {
  format: 'tfjs-graph',
  description:
    'TF.js graph model: model.json with a GraphDef + weight shards (tensorflowjs_converter --output_format tfjs_graph_model); inference and input gradients, no D2',
  matches: (probe) =>
    probe.json?.format === 'graph-model' || Array.isArray((probe.json?.modelTopology as { node?: unknown } | undefined)?.node),
  async open(probe, options) {
    const json = probe.json as GraphModelJson
    const nodes = json.modelTopology?.node ?? []
    if (!Array.isArray(json.weightsManifest))
      throw new LabError('MODEL_WEIGHTS_MISSING', `${probe.name} lists no weight files (weightsManifest).`)
    const placeholders = nodes.filter((n) => n.op === 'Placeholder')
    if (placeholders.length !== 1)
      throw new LabError('MODEL_INPUTS', `${probe.name} has ${placeholders.length} inputs; HFC Lab needs one image input.`)
    const shape = new NodeAttrs(placeholders[0]).shape('shape')
    if (!shape || shape.length !== 4 || shape.slice(1).some((d) => d < 1)) {
      throw new LabError(
        'MODEL_NOT_IMAGE_CLASSIFIER',
        `${probe.name}: its input has the shape [${shape ?? '?'}]; HFC Lab needs images of a fixed [batch, height, width, channels] shape.`,
      )
    }
    // A graph converted from PyTorch keeps its NCHW input: read the layout from where the 1- or
    // 3-channel axis is, unless the caller says it.
    const layout = options.layout ?? detectImageLayout(shape)
    const inputShape = (layout === 'nchw' ? [shape[2], shape[3], shape[1]] : shape.slice(1)) as [number, number, number]
    checkModelInput(inputShape, probe.path)
    const byName = new Map(nodes.map((n) => [n.name, n]))
    const { ref, removed } = logitsRef(byName, outputRef(json, nodes, probe.name))
    const shards = await readWeightShards(probe.path, json.weightsManifest)
    const weights = tf.io.decodeWeights(shards.data, shards.specs)
    const files = [{ path: probe.path, bytes: new Uint8Array(await readFile(probe.path)) }, ...shards.files]
    const records = files.map((f) => ({ path: f.path, bytes: f.bytes.length, sha256: createHash('sha256').update(f.bytes).digest('hex') }))
    const meta = hfcLabMetadata(json.userDefinedMetadata)
    const range = Array.isArray(meta?.inputRange) && meta.inputRange.length === 2 ? (meta.inputRange as [number, number]) : undefined
    const info: ModelInfo = {
      name: basename(probe.name).toLowerCase() === 'model.json' ? basename(dirname(probe.path)) : probe.name.replace(/\.[^.]+$/, ''),
      format: 'tfjs-graph',
      source: probe.path,
      inputShape,
      inputRange: range ?? [0, 1],
      inputRangeSource: range ? 'metadata' : 'assumed',
      preprocessing: metadataPreprocessing(inputShape[2], meta?.preprocessing, { layout, source: options.layout ? 'option' : 'detected' }),
      classes: [],
      layers: [],
      totalParams: Object.values(weights).reduce((sum, t) => sum + (t.dtype === 'float32' ? t.size : 0), 0),
      gradients: false,
      sha256: createHash('sha256')
        .update(records.map((r) => r.sha256).join('\n'))
        .digest('hex'),
      variant: '',
      files: records,
      outputSoftmaxRemoved: removed,
    }
    let classifier: GraphClassifier
    try {
      classifier = GraphClassifier.create(nodes, placeholders[0].name, ref, weights, info, probe.name)
    } catch (e) {
      tf.dispose(Object.values(weights))
      throw e
    }
    try {
      info.layers = classifier.summarize()
      const classCount = tf.tidy(() => classifier.logits(tf.zeros([1, ...inputShape])).shape[1])
      const metaClasses = Array.isArray(meta?.classes) && meta.classes.length === classCount ? meta.classes.map(String) : undefined
      if (options.classes && options.classes.length !== classCount) {
        throw new LabError(
          'MODEL_NOT_IMAGE_CLASSIFIER',
          `${probe.name}: ${options.classes.length} class names were given, but the model has ${classCount} outputs.`,
        )
      }
      info.classes = metaClasses ?? options.classes ?? Array.from({ length: classCount }, (_, i) => String(i))
      info.classesSource = metaClasses ? 'metadata' : options.classes ? 'option' : 'indices'
    } catch (e) {
      classifier.dispose()
      throw e
    }
    // TF.js's gradient probe runs when a job first needs gradients (forward.ts prepareGradients).
    info.gradients = true
    if (tf.getBackend() === 'wasm') registerFastWasmOps()
    return classifier
  },
}
