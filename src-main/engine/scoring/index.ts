/**
 * Scoring a batch: the logits and top-1 classes of a model on either engine, and the distances
 * between images. Every layer that classifies or measures (attacks, evaluation, jobs) uses it, so
 * it lies below them all.
 */
export { argMaxRows, batchLogits, predictLabels } from './predict'
export { perSampleDistance } from './distance'
