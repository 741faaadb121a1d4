import * as tf from '@tensorflow/tfjs-core'
import { LabError } from '../base/errors'
import { cloneLayersModel } from './clone-model'
import { convLayer, firstConvLayers, layersModelOf } from './conv-layers'
import { lowPassKernel, type KernelFilterOptions } from './kernel-filter'
import { LayersClassifier, type LoadedModel } from './layers-classifier'

export interface LayerRadius {
  layer: string
  radius: number
}

function radiiFor(model: LoadedModel, radii: LayerRadius[] | number): LayerRadius[] {
  if (typeof radii !== 'number') return radii
  const first = firstConvLayers(model)[0]
  if (!first) throw new LabError('MODEL_NO_SUCH_CONV', `${model.info.name} has no convolution layer, so D2 has nothing to filter.`)
  return [{ layer: first.name, radius: radii }]
}

function describeVariant(
  base: string,
  specs: LayerRadius[],
  options: KernelFilterOptions,
  grid: (layer: string) => [number, number],
): string {
  const notes = [
    options.mode === 'padded' ? `padded ${specs.map((s) => grid(s.layer).join('x')).join('/')}` : '',
    options.rule === 'inclusive' ? 'inclusive' : '',
    options.kind && options.kind !== 'circle' ? options.kind : '',
  ].filter(Boolean)
  const d2 = `D2 ${specs.map((s) => `${s.layer}:r=${s.radius}`).join(' ')}${notes.length ? ` (${notes.join(', ')})` : ''}`
  return base ? `${base}; ${d2}` : d2
}

/**
 * Defense D2 (docs/algorithms.md §D2): a NEW model whose kernels in the named conv layers are low-passed per
 * (C_in, C_out) slice (real part kept); biases and every other weight are copied unchanged, and
 * the given model is left untouched. A number means that radius on the first conv layer only.
 */
export async function lowPassKernels(
  model: LoadedModel,
  radii: LayerRadius[] | number,
  options: KernelFilterOptions = {},
): Promise<LoadedModel> {
  const layers = layersModelOf(model, 'D2')
  const specs = radiiFor(model, radii)
  if (specs.length === 0) throw new LabError('D2_NO_LAYERS', 'D2 needs at least one (layer, radius) pair.')
  for (const s of specs) {
    convLayer(layers, s.layer)
    if (!Number.isFinite(s.radius) || s.radius < 0)
      throw new LabError('D2_RADIUS', `The D2 radius for '${s.layer}' must be a number >= 0 (k-grid bins), got ${s.radius}.`)
  }
  const inputSizes = new Map(firstConvLayers(layers).map((c) => [c.name, c.inputSize]))
  const gridFor = (layer: string): [number, number] => options.inputSize ?? inputSizes.get(layer) ?? [0, 0]
  const clone = await cloneLayersModel(layers)
  try {
    for (const s of specs) {
      const layer = convLayer(clone, s.layer)
      const [kernel, ...rest] = layer.getWeights()
      const filtered = lowPassKernel(kernel.dataSync() as Float32Array, kernel.shape as [number, number, number, number], s.radius, {
        ...options,
        inputSize: gridFor(s.layer),
      })
      const replaced = tf.tensor(filtered.values, kernel.shape)
      layer.setWeights([replaced, ...rest])
      replaced.dispose()
    }
  } catch (e) {
    clone.dispose()
    throw e
  }
  return new LayersClassifier(clone, { ...model.info, variant: describeVariant(model.info.variant, specs, options, gridFor) })
}
