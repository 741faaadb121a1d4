import type * as tfl from '@tensorflow/tfjs-layers'
import { LabError } from '../base/errors'
import { OnnxGraphBuilder } from './graph-builder'
import { emitLayer, toTag, type Tagged } from './layers-export'
import { lowPassNodes, type LowPassSpec } from './low-pass-graph'
import { ONNX_METADATA } from './open-onnx-model'
import { writeOnnx } from './write-onnx'

export interface ForwardGraphOptions {
  /** Layout of the written input: 'nchw' (PyTorch's, default) or 'nhwc' (TF.js's). */
  inputLayout?: 'nchw' | 'nhwc'
  /**
   * The model's pixel range: when given, the graph takes [0, 1] images and scales them itself;
   * otherwise it takes pixels in the model's own range.
   */
  scaleFromUnit?: [number, number]
  /** Defence D1 inside the graph: every input image is low-passed first (on the [0, 1] image). */
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
    const range = options.scaleFromUnit
    if (range && (range[0] !== 0 || range[1] !== 1)) {
      const scaled = b.node('Mul', [x.name, b.floatScalar(range[1] - range[0])])[0]
      x = { name: range[0] === 0 ? scaled : b.node('Add', [scaled, b.floatScalar(range[0])])[0], tag: x.tag }
    }
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

export interface ExportOnnxOptions extends ForwardGraphOptions {
  /** Recorded in the file's metadata so HFC Lab reads it back: the pixel range the input takes. */
  inputRange?: [number, number]
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
    const range = options.scaleFromUnit ? [0, 1] : options.inputRange
    if (range) metadata[ONNX_METADATA.inputRange] = JSON.stringify(range)
    if (options.classes) metadata[ONNX_METADATA.classes] = JSON.stringify(options.classes)
    return writeOnnx(builder, { graphName: options.name ?? model.name, metadata })
  } finally {
    builder.dispose()
  }
}
