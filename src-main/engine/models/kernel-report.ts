import type { KernelReport, LayerKernelReport } from '../../protocol/models'
import { LabError } from '../base/errors'
import { convLayer, firstConvLayers, layersModelOf } from './conv-layers'
import { lowPassKernel, type KernelFilterOptions } from './kernel-filter'
import type { LoadedModel } from './layers-classifier'

/** Per-kernel before/after weights and what D2 at `radius` removes from one conv layer (the Kernels view). */
export function kernelReport(model: LoadedModel, layerName: string, radius: number, options: KernelFilterOptions = {}): LayerKernelReport {
  const layers = layersModelOf(model, 'the kernel report')
  const layer = convLayer(layers, layerName)
  const kernel = layer.getWeights()[0]
  const shape = kernel.shape as [number, number, number, number]
  const inputSize = options.inputSize ?? firstConvLayers(layers).find((c) => c.name === layerName)?.inputSize
  const filtered = lowPassKernel(kernel.dataSync() as Float32Array, shape, radius, { ...options, inputSize })
  return {
    layer: layerName,
    kernelShape: shape,
    radius,
    mode: options.mode ?? 'kernel',
    rule: options.rule ?? 'strict',
    grid: filtered.grid,
    keptBins: filtered.keptBins,
    totalBins: filtered.grid[0] * filtered.grid[1],
    energyRemovedFraction: filtered.energyRemoved,
    maxImag: filtered.maxImag,
    kernels: filtered.slices.map((s) => ({
      inChannel: s.inChannel,
      outChannel: s.outChannel,
      before: Array.from(s.before),
      after: Array.from(s.after),
      energyRemoved: s.energyRemoved,
    })),
  }
}

/**
 * The kernel inspector's report on one conv layer (the first when none is named), with the conv
 * layers to choose from and the colour scale the before and after pictures share.
 */
export function inspectKernels(model: LoadedModel, layer: string | undefined, radius: number, options: KernelFilterOptions): KernelReport {
  const convs = firstConvLayers(model)
  const name = layer ?? convs[0]?.name
  if (!name) throw new LabError('MODEL_NO_SUCH_CONV', `${model.info.name} has no convolution layer to inspect.`)
  const report = kernelReport(model, name, radius, options)
  const maxAbs = report.kernels.reduce((m, k) => Math.max(m, ...k.before.map(Math.abs)), 0)
  return { ...report, convLayers: convs.map((c) => c.name), maxAbs }
}
