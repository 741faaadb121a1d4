import * as tf from '@tensorflow/tfjs-core'

/**
 * How a TF.js tensor relates to the ONNX tensor it stands for. ONNX image tensors are NCHW while
 * TF.js convolutions want NHWC, so a rank-4 ONNX tensor may be held transposed:
 * 'nhwc' means tf = transpose(onnx, [0, 2, 3, 1]); 'plain' means tf = onnx.
 * Convolutions, pools and everything element-wise between them run on 'nhwc' tensors, so a
 * PyTorch CNN pays for one transpose at its input and one before its flatten.
 */
export type Tag = 'plain' | 'nhwc'

export const TO_NHWC = [0, 2, 3, 1]
export const TO_NCHW = [0, 3, 1, 2]

export function retag(x: tf.Tensor, from: Tag, to: Tag): tf.Tensor {
  if (from === to || x.rank !== 4) return x
  return tf.transpose(x, to === 'nhwc' ? TO_NHWC : TO_NCHW)
}

/** Axis of the TF.js tensor that holds ONNX axis `axis` (negative counts from the end). */
export function tfAxis(axis: number, rank: number, tag: Tag): number {
  const a = axis < 0 ? axis + rank : axis
  return tag === 'nhwc' && rank === 4 ? TO_NCHW[a] : a
}

/**
 * An input of a broadcasting op, brought into `tag` for a rank-4 result: lower-rank ONNX operands
 * are right-aligned to rank 4 first, as ONNX broadcasting does, then transposed like the rest.
 */
export function alignOperand(x: tf.Tensor, from: Tag, to: Tag): tf.Tensor {
  if (to === 'plain' || x.rank > 4) return retag(x, from, to)
  if (x.rank === 4) return retag(x, from, to)
  const padded = tf.reshape(x, [...Array(4 - x.rank).fill(1), ...x.shape])
  return tf.transpose(padded, TO_NHWC)
}

/** ONNX shape of a TF.js tensor held in `tag`. */
export function onnxShape(shape: readonly number[], tag: Tag): number[] {
  return tag === 'nhwc' && shape.length === 4 ? [shape[0], shape[3], shape[1], shape[2]] : [...shape]
}

/** TF.js shape of an ONNX shape held in `tag` (null dims, e.g. the batch, stay null). */
export function tfShape<T extends number | null>(shape: readonly T[], tag: Tag): T[] {
  return tag === 'nhwc' && shape.length === 4 ? [shape[0], shape[2], shape[3], shape[1]] : [...shape]
}
