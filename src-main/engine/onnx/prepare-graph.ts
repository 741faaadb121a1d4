import { basename } from 'node:path'
import { LabError } from '../base/errors'
import { detectImageLayout } from '../models/preprocessing'
import { constTensor } from './const-tensor'
import type { OnnxGraph, OnnxNode } from './graph'

export type ImageLayout = 'nchw' | 'nhwc'

export interface PrepareOptions {
  /** How the model's 4-D input is laid out; default: from where the 1- or 3-channel axis is. */
  layout?: ImageLayout
}

/** A graph with one 4-D image input and one [batch, classes] output, ready to plan. */
export interface PreparedGraph {
  graph: OnnxGraph
  /** The image input: [batch, C, H, W] for 'nchw', [batch, H, W, C] for 'nhwc' (batch as 1). */
  input: { name: string; dims: number[]; layout: ImageLayout }
  output: string
  /** The declared batch size when the file fixes one (models exported without a dynamic batch). */
  fixedBatch?: number
  outputSoftmaxRemoved: boolean
  /** Per-channel constants the graph subtracts from its input first (torchvision-style), if any. */
  inGraphMean?: number[]
}

function fixedDims(dims: (number | string)[], source: string): number[] {
  return dims.map((d, i) => {
    if (i === 0) return typeof d === 'number' && d > 0 ? d : 1
    if (typeof d !== 'number' || d <= 0) {
      throw new LabError(
        'MODEL_NOT_IMAGE_CLASSIFIER',
        `${source}: its input has the size [${dims.join(', ')}] with a symbolic axis ${i}. HFC Lab needs a fixed image size; export the model with a fixed height and width.`,
      )
    }
    return d
  })
}

function squareSide(n: number): number | undefined {
  const s = Math.round(Math.sqrt(n))
  return s * s === n ? s : undefined
}

/**
 * Brings a model's graph into the one shape HFC Lab plans: a 4-D image input (flattened [N, D] and
 * [N, H, W] inputs get an adapter node in front; normalisation is the classifier's preprocessing,
 * models/preprocessing.ts), and the logits as
 * output (a final Softmax is removed, since attacks and defenses need logits).
 */
export function prepareGraph(graph: OnnxGraph, source: string, options: PrepareOptions = {}): PreparedGraph {
  const name = basename(source)
  if (graph.inputs.length !== 1) {
    throw new LabError(
      'MODEL_NOT_IMAGE_CLASSIFIER',
      `${name} has ${graph.inputs.length} inputs (${graph.inputs.map((i) => i.name).join(', ')}); HFC Lab needs one image input.`,
    )
  }
  if (graph.outputs.length !== 1) {
    throw new LabError(
      'MODEL_NOT_IMAGE_CLASSIFIER',
      `${name} has ${graph.outputs.length} outputs (${graph.outputs.map((o) => o.name).join(', ')}); HFC Lab needs one class-score output. Export the model with only its logits as output.`,
    )
  }
  const original = graph.inputs[0]
  const dims = fixedDims(original.dims, name)
  const nodes: OnnxNode[] = []
  const initializers = new Map(graph.initializers)
  const fixedBatch = typeof original.dims[0] === 'number' && original.dims[0] > 0 ? original.dims[0] : undefined
  let image: { name: string; dims: number[]; layout: ImageLayout }
  if (dims.length === 4) {
    image = { name: original.name, dims, layout: options.layout ?? detectImageLayout(dims) }
  } else if (dims.length === 3 || dims.length === 2) {
    const size = dims.length === 3 ? dims[1] * dims[2] : dims[1]
    const side = squareSide(size) ?? squareSide(size / 3)
    const channels = squareSide(size) !== undefined ? 1 : 3
    if (side === undefined || (dims.length === 3 && channels !== 1)) {
      throw new LabError(
        'MODEL_NOT_IMAGE_CLASSIFIER',
        `${name}: its input [${original.dims.join(', ')}] is not an image HFC Lab recognises (a square gray or RGB image, flattened or not).`,
      )
    }
    image = { name: 'hfc_image', dims: [1, channels, side, side], layout: 'nchw' }
    // A flattened input is read as PyTorch flattens NCHW images: channel planes one after another.
    initializers.set('hfc_image_shape', constTensor('int', [dims.length], dims.length === 3 ? [-1, dims[1], dims[2]] : [-1, dims[1]]))
    nodes.push({
      op: 'Reshape',
      domain: '',
      name: 'hfc_input_reshape',
      inputs: ['hfc_image', 'hfc_image_shape'],
      outputs: [original.name],
      attributes: {},
    })
  } else {
    throw new LabError(
      'MODEL_NOT_IMAGE_CLASSIFIER',
      `${name}: its input has ${dims.length} dimensions; HFC Lab needs images ([batch, channels, height, width] or [batch, height, width, channels]).`,
    )
  }
  nodes.push(...graph.nodes)

  let output = graph.outputs[0].name
  let outputSoftmaxRemoved = false
  const producer = nodes.find((n) => n.outputs.includes(output))
  const consumers = nodes.filter((n) => n.inputs.includes(output))
  if (producer && producer.op === 'Softmax' && consumers.length === 0) {
    nodes.splice(nodes.indexOf(producer), 1)
    output = producer.inputs[0]
    outputSoftmaxRemoved = true
  }
  const first = graph.nodes.find((n) => n.inputs[0] === original.name && n.op === 'Sub')
  const meanConst = first ? graph.initializers.get(first.inputs[1]) : undefined
  return {
    graph: { ...graph, nodes, initializers },
    input: image,
    output,
    fixedBatch,
    outputSoftmaxRemoved,
    inGraphMean: meanConst && meanConst.kind === 'float' ? Array.from(meanConst.values) : undefined,
  }
}
