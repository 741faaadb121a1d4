/**
 * ONNX: reading .onnx models into TF.js Layers models (differentiable, D2-ready), writing any
 * Layers model back as ONNX, the input-gradient graph, and onnxruntime as a native backend.
 */
export { openOnnxModel, onnxModelFormat, ONNX_METADATA, type OnnxOpenOptions } from './open-onnx-model'
export type { ImageLayout, PrepareOptions } from './prepare-graph'
export { exportOnnx, buildForwardGraph, type ExportOnnxOptions, type ForwardGraphOptions, type ForwardGraph } from './export-onnx'
export {
  appendInputGradient,
  appendVectorJacobianProduct,
  GRADIENT_OPS,
  type GradientOutputs,
  type VectorJacobianOutputs,
} from './gradient-graph'
export { createOrtClassifier, type BatchScorer, type InputGradient, type OrtClassifierOptions } from './ort-classifier'
export { createOrtSession, loadOnnxRuntime, type SessionOptions } from './ort-session'
export type { LowPassSpec } from './low-pass-graph'
export { ONNX_OPS } from './ops'
export { OnnxOpLayer, type OnnxLayerSpec } from './onnx-op-layer'
export { writeOnnx } from './write-onnx'
export { OnnxGraphBuilder, EXPORT_OPSET } from './graph-builder'
