/**
 * The engine as a library (package export "hfc-lab"). Two ways in:
 * - out of process: EngineHost, the typed LabApi over a pool of engine workers (what the app, the
 *   browser host and the CLI use);
 * - in process: the functions below, on TF.js tensors. Call chooseBackend() once first. A model runs
 *   on TF.js until attachEngine() gives it onnxruntime (forced, or measured in `auto` mode).
 * The algorithms are described in docs/algorithms.md.
 */
export { EngineHost, type EngineHostOptions } from './runtime/host'
export { chooseBackend, type BackendChoice } from './compute/backend'
export { BACKEND_ORDER, parseBackendName, type BackendName, type BackendRequest, type ForwardEngine } from './compute/backend-names'
export {
  attachEngine,
  engineOf,
  prepareGradients,
  type AttachOptions,
  type EngineAssignment,
  type ModelEngine,
  type RunnableModel,
} from './compute/forward'
export { APP_VERSION } from './base/version'
export { LabError } from './base/errors'
export { CancelledError, silentContext, type JobContext } from './base/job-context'

export {
  listDefaultDatasets,
  openDataset,
  openDefaultDataset,
  type Dataset,
  type DatasetInfo,
  type ImageShape,
  type OpenOptions,
} from './data'
export { defaultModels, openDefaultModel, openModel } from './loaders'
export {
  firstConvLayers,
  kernelReport,
  lowPassKernels,
  type Classifier,
  type LayerRadius,
  type LoadedModel,
  type ModelInfo,
  type OpenModelOptions,
} from './models'
export {
  decompose,
  decomposeBatch,
  logMagnitudeSpectrum,
  lowPass,
  radialEnergyProfile,
  radialMask,
  svdSplit,
  type MaskOptions,
} from './spectral'
export { listAttacks, resolveAttackParams, runAttack, type AttackDescriptor, type AttackResult } from './attacks'
export {
  accuracy,
  closedFormAuc,
  robustnessCurve,
  runCurve,
  withD1,
  type AccuracyReport,
  type D1Options,
  type RobustnessCurve,
} from './eval'
export { figure1Search } from './jobs/figure1'
// The wire types EngineHost.call takes and returns (Params, Result, PartialOf and each method's own), types only.
export type * from '../protocol'
