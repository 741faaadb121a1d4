/** Fourier heat maps (docs/algorithms.md §Fourier heat map): per-frequency sensitivity of a model. */
export { fourierHeatmap, type HeatmapOptions } from './run-heatmap'
export { fourierBasisImage, heatmapFrequencies, perturbationSigns, perturbInto } from './fourier-basis'
export { heatmapExample, type HeatmapCell } from './example'
