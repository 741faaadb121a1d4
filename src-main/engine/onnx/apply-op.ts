import * as tf from '@tensorflow/tfjs-core'
import { constTensor, type ConstTensor, type ValueKind } from './const-tensor'
import { TO_NCHW, TO_NHWC } from './layout'
import type { OpSpec, Params } from './op-spec'

const INT32_MAX = 2 ** 31 - 1

/** A load-time value as a tensor (integers become int32, saturating: tfjs has no int64). */
export function constToTensor(c: ConstTensor): tf.Tensor {
  if (c.kind === 'float') return tf.tensor(c.values, c.dims, 'float32')
  if (c.kind === 'bool') return tf.tensor(Uint8Array.from(c.values), c.dims, 'bool')
  return tf.tensor(
    Int32Array.from(c.values, (v) => Math.max(-INT32_MAX - 1, Math.min(INT32_MAX, v))),
    c.dims,
    'int32',
  )
}

export function tensorToConst(t: tf.Tensor): ConstTensor {
  const kind: ValueKind = t.dtype === 'float32' ? 'float' : t.dtype === 'bool' ? 'bool' : 'int'
  return constTensor(kind, t.shape, t.dataSync() as ArrayLike<number>)
}

/**
 * Runs an op on tensors in ONNX layout (NCHW images), moving data to NHWC and back around ops that
 * want it. Used to plan and fold models at load time and to evaluate exported graphs.
 */
export function applyOp(spec: OpSpec, params: Params, inputs: (tf.Tensor | undefined)[]): tf.Tensor[] {
  return tf.tidy(() => {
    const x0 = inputs[0]
    if (spec.layout !== 'spatial' || !x0 || x0.rank !== 4) return spec.run(inputs, params, 'plain')
    const outputs = spec.run([tf.transpose(x0, TO_NHWC), ...inputs.slice(1)], params, 'nhwc')
    return outputs.map((o) => (o.rank === 4 ? tf.transpose(o, TO_NCHW) : o))
  })
}
