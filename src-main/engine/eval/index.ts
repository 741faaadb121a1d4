/**
 * Evaluation: accuracy with confusion matrix, the robustness curves with their AUC (docs/algorithms.md §Curves and AUC),
 * the transfer / direct / adaptive protocols over attacks × defenses, the worst-case envelope,
 * and the D1 defense as a classifier wrapper.
 */
export { accuracy, type AccuracyReport, type AccuracySource, type AccuracyOptions, type ClassAccuracy } from './accuracy'
export { withD1, d1Variant, type D1Options } from './defended'
export { accuracyAt, closedFormAuc, epsilonGrid, trapezoid, TRAPEZOID_POINTS, type CurveOutcomes } from './curve-math'
export { robustnessCurve, type CurveInput } from './robustness-curve'
export { curveFromOutcomes } from './curve-from-outcomes'
export type { RobustnessCurve, CurveOptions } from './curve-types'
export { worstCaseEnvelope } from './envelope'
export { listCurvePresets } from './curve-presets'
export {
  runCurve,
  PROTOCOLS,
  type DefenseSpec,
  type CurveAttack,
  type RunCurveRequest,
  type CurveEntry,
  type SkippedPair,
  type CurveRunResult,
} from './run-curve'
