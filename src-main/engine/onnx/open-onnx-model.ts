import { basename } from 'node:path'
import { finishLoadedModel, type OpenModelOptions } from '../models/build-loaded-model'
import type { LoadedModel } from '../models/layers-classifier'
import type { ModelFormat } from '../models/model-format'
import { buildLayersModel } from './build-layers-model'
import { planModel } from './plan-model'
import { prepareGraph, type PrepareOptions } from './prepare-graph'
import { readOnnxFile } from './read-onnx'

export interface OnnxOpenOptions extends OpenModelOptions, PrepareOptions {}

/** Metadata keys HFC Lab writes into exported .onnx files (metadata_props), read back here. */
export const ONNX_METADATA = {
  inputRange: 'hfc_lab.input_range',
  classes: 'hfc_lab.classes',
  preprocessing: 'hfc_lab.preprocessing',
} as const

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Opens an .onnx image classifier as a TF.js Layers model (differentiable; convolutions are stock
 * Conv2D layers, so D2 and the kernel inspector work as on Keras models). The input is read as
 * NCHW or NHWC (option `layout`, else where the 1- or 3-channel axis is), range conversion happens
 * in the classifier, and a final Softmax is removed so logits() gives logits.
 */
export async function openOnnxModel(path: string, options: OnnxOpenOptions = {}): Promise<LoadedModel> {
  const { graph, files } = readOnnxFile(path)
  const prepared = prepareGraph(graph, path, options)
  const plan = planModel(prepared, path)
  const model = buildLayersModel(plan, basename(path).replace(/\.[^.]+$/, ''))
  const loaded = finishLoadedModel(
    model,
    {
      format: `onnx (opset ${graph.opset}${graph.producer ? `, ${graph.producer}` : ''})`,
      source: path,
      files,
      metadata: {
        inputRange: parseJson(graph.metadata[ONNX_METADATA.inputRange]),
        classes: parseJson(graph.metadata[ONNX_METADATA.classes]),
        preprocessing: parseJson(graph.metadata[ONNX_METADATA.preprocessing]),
      },
      outputSoftmaxRemoved: prepared.outputSoftmaxRemoved,
      layout: { layout: prepared.input.layout, source: options.layout ? 'option' : 'detected' },
    },
    options,
  )
  // A graph that subtracts means above 1 first (e.g. 123.7) was made for 0-255 pixels; say so
  // instead of assuming [0, 1], still marked as an assumption for the user to confirm.
  if (loaded.info.inputRangeSource === 'assumed' && prepared.inGraphMean?.some((m) => m > 1.5)) {
    Object.assign(loaded.info, { inputRange: [0, 255] })
  }
  return loaded
}

/** The registry entry for .onnx files (src-main/engine/models/registry.ts MODEL_FORMATS). */
export const onnxModelFormat: ModelFormat = {
  format: 'onnx',
  description: 'ONNX model (.onnx, e.g. from torch.onnx.export)',
  matches: (probe) => probe.name.toLowerCase().endsWith('.onnx'),
  open: (probe, options) => openOnnxModel(probe.path, options as OnnxOpenOptions),
}
