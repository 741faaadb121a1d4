/**
 * Opening a model file with the loader its content calls for (TF.js Layers/graph, Keras .h5/.keras,
 * ONNX), and the embedded defaults. It sits above models/ and onnx/, whose formats it lists, so that
 * neither of those imports the other's loader.
 */
export { openModel, MODEL_FORMATS } from './registry'
export { defaultModels, openDefaultModel, type DefaultModelEntry } from './default-models'
