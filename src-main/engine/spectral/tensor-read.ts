import * as tf from '@tensorflow/tfjs-core'
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

/**
 * The float32 values of a tensor without an extra copy where possible: on wasm a view of its heap
 * memory (valid only until the next TF.js op), elsewhere dataSync. Fresh large JS buffers are
 * expensive to touch on some machines, so big batch loops read through this.
 */
export function float32View(tensor: tf.Tensor): Float32Array {
  const backend = tf.engine().findBackend(tf.getBackend())
  if (backend instanceof BackendWasm && tensor.dtype === 'float32') return backend.typedArrayFromHeap(tensor) as Float32Array
  return tensor.dataSync() as Float32Array
}
