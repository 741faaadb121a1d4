import * as tfl from '@tensorflow/tfjs-layers'
import { LabError } from '../base/errors'
import type { LoadedModel } from './layers-classifier'

/** Layers whose first weight is a [kh, kw, C_in, C_out] spatial kernel that D2 can filter. */
export const FILTERABLE_CONV_CLASSES: readonly string[] = ['Conv2D', 'DepthwiseConv2D']

export interface ConvLayerInfo {
  name: string
  className: string
  /** [kh, kw, C_in, C_out] (C_out = depth multiplier for a depthwise conv). */
  kernelShape: [number, number, number, number]
  /** Spatial size [h, w] of the layer's input. */
  inputSize: [number, number]
}

function describe(layer: tfl.layers.Layer): ConvLayerInfo {
  const kernel = layer.getWeights()[0]
  const input = layer.input
  const inputShape = (Array.isArray(input) ? input[0] : input).shape
  return {
    name: layer.name,
    className: layer.getClassName(),
    kernelShape: kernel.shape as [number, number, number, number],
    inputSize: [inputShape[1] ?? 0, inputShape[2] ?? 0],
  }
}

/** The Layers model behind a loaded model, or a LabError saying that `purpose` needs one. */
export function layersModelOf(model: LoadedModel, purpose: string): tfl.LayersModel {
  if (!model.model)
    throw new LabError(
      'MODEL_NO_LAYERS',
      `${model.info.name} is a TF.js graph model, which HFC Lab runs for inference only; ${purpose} needs a Layers or Keras model.`,
    )
  return model.model
}

/** The model's convolution layers in order (the first is the paper's θ_c); none for a graph model. */
export function firstConvLayers(model: LoadedModel | tfl.LayersModel): ConvLayerInfo[] {
  const layers = model instanceof tfl.LayersModel ? model : model.model
  return layers ? layers.layers.filter((l) => FILTERABLE_CONV_CLASSES.includes(l.getClassName())).map(describe) : []
}

/** A convolution layer by name, or a LabError naming the ones there are. */
export function convLayer(model: tfl.LayersModel, name: string): tfl.layers.Layer {
  const layer = model.layers.find((l) => l.name === name)
  if (!layer || !FILTERABLE_CONV_CLASSES.includes(layer.getClassName())) {
    const names = firstConvLayers(model).map((c) => c.name)
    throw new LabError(
      'MODEL_NO_SUCH_CONV',
      `The model has no convolution layer '${name}'. Its convolution layers are: ${names.join(', ') || 'none'}.`,
    )
  }
  return layer
}
