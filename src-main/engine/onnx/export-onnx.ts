import type * as tfl from '@tensorflow/tfjs-layers'
import type { Preprocessing } from '../../protocol/models'
import { LabError } from '../base/errors'
import type { PreprocessingAffine } from '../models/preprocessing'
import { constTensor } from './const-tensor'
import { OnnxGraphBuilder } from './graph-builder'
import { emitLayer, toTag, type Tagged } from './layers-export'
import { lowPassNodes, type LowPassSpec } from './low-pass-graph'
import { ONNX_METADATA } from './open-onnx-model'
import { writeOnnx } from './write-onnx'

export interface ForwardGraphOptions {
  /** Layout of the written input: 'nchw' (PyTorch's, default) or 'nhwc' (TF.js's). */
  inputLayout?: 'nchw' | 'nhwc'
  /**
   * The model's preprocessing (models/preprocessing.ts preprocessingAffine): when given, the graph
   * takes [0, 1] RGB images and maps them to the model's input itself, inside the gradient;
   * otherwise it takes the model's own input values.
   */
  fromUnit?: PreprocessingAffine
  /** Defense D1 inside the graph: every input image is low-passed first (on the [0, 1] image). */
  lowPass?: LowPassSpec
}

export interface ForwardGraph {
  builder: OnnxGraphBuilder
  input: string
  logits: string
}

/**
 * The ONNX graph of a TF.js Layers model that maps one image input to logits: its 4-D images are
 * NCHW inside the graph (TF.js layers are written with transposed weights, ONNX-converted layers
 * as their original nodes), so the graph runs as PyTorch's would.
 */
export function buildForwardGraph(model: tfl.LayersModel, options: ForwardGraphOptions = {}): ForwardGraph {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new LabError(
      'EXPORT_UNSUPPORTED_LAYER',
      `The model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; HFC Lab writes single-input classifiers as ONNX.`,
    )
  }
  const [, h, w, c] = model.inputs[0].shape as number[]
  const layout = options.inputLayout ?? 'nchw'
  const b = new OnnxGraphBuilder()
  try {
    const input = b.input('input', layout === 'nchw' ? [null, c, h, w] : [null, h, w, c])
    let x: Tagged = { name: input, tag: layout === 'nchw' ? 'nhwc' : 'plain' }
    if (options.lowPass) x = { name: lowPassNodes(b, toTag(b, x, 'nhwc'), options.lowPass), tag: 'nhwc' }
    if (options.fromUnit) x = { name: preprocessingNodes(b, x, options.fromUnit), tag: x.tag }
    const tensors = new Map<number, Tagged>([[model.inputs[0].id, x]])
    for (const layer of model.layers) {
      if (layer.getClassName() === 'InputLayer') continue
      for (const node of layer.inboundNodes) {
        const inputs = node.inputTensors.map((t) => tensors.get(t.id))
        if (inputs.some((t) => t === undefined)) continue
        const outputs = emitLayer(b, layer, inputs as Tagged[])
        node.outputTensors.forEach((t, k) => {
          if (outputs[k]) tensors.set(t.id, outputs[k])
        })
      }
    }
    const out = tensors.get(model.outputs[0].id)
    if (!out) throw new Error('internal error: the model output was not written')
    const logits = b.output(toTag(b, out, 'plain'), 'logits')
    return { builder: b, input, logits }
  } catch (e) {
    b.dispose()
    throw e
  }
}

/**
 * toModelInput (models/preprocessing.ts) as ONNX nodes: a Gather that reverses the channels for
 * BGR models, then x·a + b per channel, on the channel axis of the tensor's tag.
 */
function preprocessingNodes(b: OnnxGraphBuilder, x: Tagged, affine: PreprocessingAffine): string {
  const channels = affine.scale.length
  // Tag 'nhwc' holds an NCHW ONNX tensor (layout.ts); 'plain' here is the NHWC graph input.
  const axis = x.tag === 'nhwc' ? 1 : 3
  const dims = x.tag === 'nhwc' ? [1, channels, 1, 1] : [1, 1, 1, channels]
  let y = x.name
  if (affine.reverse) {
    const order = Array.from({ length: channels }, (_, c) => channels - 1 - c)
    y = b.node('Gather', [y, b.constant(constTensor('int', [channels], order))], { axis })[0]
  }
  if (affine.scale.some((a) => a !== 1)) y = b.node('Mul', [y, b.floatConstant(affine.scale, dims)])[0]
  if (affine.shift.some((s) => s !== 0)) y = b.node('Add', [y, b.floatConstant(affine.shift, dims)])[0]
  return y
}

export interface ExportOnnxOptions extends ForwardGraphOptions {
  /** Recorded in the file's metadata so HFC Lab reads it back: the pixel range the input takes. */
  inputRange?: [number, number]
  /** Recorded in the file's metadata: the normalisation and channel order the input still needs. */
  preprocessing?: Pick<Preprocessing, 'mean' | 'std' | 'channelOrder'>
  /** Recorded in the file's metadata: the class names. */
  classes?: string[]
  name?: string
}

/**
 * Writes a TF.js Layers model (e.g. a D2-filtered one) as an .onnx file's bytes, NCHW input by
 * default so that PyTorch and onnxruntime users can run it as they run their own exports.
 */
export function exportOnnx(model: tfl.LayersModel, options: ExportOnnxOptions = {}): Uint8Array {
  const { builder } = buildForwardGraph(model, options)
  try {
    const metadata: Record<string, string> = {}
    const range = options.fromUnit ? [0, 1] : options.inputRange
    if (range) metadata[ONNX_METADATA.inputRange] = JSON.stringify(range)
    if (options.preprocessing && !options.fromUnit) metadata[ONNX_METADATA.preprocessing] = JSON.stringify(options.preprocessing)
    if (options.classes) metadata[ONNX_METADATA.classes] = JSON.stringify(options.classes)
    return writeOnnx(builder, { graphName: options.name ?? model.name, metadata })
  } finally {
    builder.dispose()
  }
}
