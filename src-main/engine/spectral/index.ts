/**
 * The frequency core (docs/algorithms.md §Frequency split, §D2, §SVD check): exact float64 FFT reference, centred radial masks,
 * the plane-level split used for D2 kernels, the differentiable tensor low pass for D1 and attacks
 * (the DFT as real matrix products, so it runs on wasm), spectra for display, and the SVD split.
 */
export { fft2, type ComplexPlane } from './fft2'
export { fftshift, ifftshift } from './shift'
export type { MaskKind, BoundaryRule, MaskOptions } from './mask-options'
export { radialMask, radialMaskUnshifted, keptBinCount, halfDiagonal, centroid } from './mask'
export { lowPassPlane, type PlaneSplit } from './plane-split'
export { lowPass, decompose } from './low-pass'
export { decomposeBatch, type SplitBatch } from './decompose-batch'
export type { PixelBatch } from './pixel-batch'
export { logMagnitudeSpectrum } from './log-spectrum'
export { radialEnergyProfile, radialEnergyProfiles, radialBins } from './radial-energy'
export { svdSplit, svdSplitMany, type SvdSplit } from './svd-split'
