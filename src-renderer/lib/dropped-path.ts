/** Model files by extension (TF.js model.json, Keras .h5/.keras, ONNX); anything else dropped is a data set. */
const MODEL_FILE = /\.(json|h5|hdf5|keras|onnx)$/i

/** What a path dropped on the workspace opens as: a model file, or a data set (folder, .bin, .npz, idx). */
export function droppedKind(path: string): 'model' | 'dataset' {
  return MODEL_FILE.test(path) ? 'model' : 'dataset'
}
