import * as tf from '@tensorflow/tfjs-core'
import type { NodeReader, OpSpec } from '../op-spec'
import { broadcastShapes, jsonList, need, normalizeAxis, num, nums } from './common'

/** Squeeze/Unsqueeze axes: an attribute before opset 13, an input from 13 on. */
function axesOf(r: NodeReader): number[] | undefined {
  return r.opset < 13 ? r.ints('axes', undefined) : r.constantNumbers(1)
}

/** The concrete shape ONNX Reshape produces (0 copies the input dim unless allowzero; -1 is inferred). */
export function reshapeTarget(input: readonly number[], shape: number[], allowZero: boolean): number[] {
  const out = shape.map((d, i) => (d === 0 && !allowZero ? input[i] : d))
  const known = out.reduce((a, d) => (d === -1 ? a : a * d), 1)
  const total = input.reduce((a, b) => a * b, 1)
  return out.map((d) => (d === -1 ? total / known : d))
}

export const RESHAPE_OPS: Record<string, OpSpec> = {
  Reshape: {
    paramInputs: [1],
    layout: 'plain',
    canonical: (r) => {
      const shape = r.constantNumbers(1)
      if (!shape) throw r.unsupported('has no target shape')
      const allowZero = r.int('allowzero', 0)
      // A model exported with a fixed batch bakes that batch into its flatten ([1, -1]); copy the
      // batch axis instead, so that the model runs on any batch. (It is planned at other batch
      // sizes, so a literal equal to the fixed batch cannot be a batch-derived value.)
      if (
        r.fixedBatch !== undefined &&
        r.batch !== r.fixedBatch &&
        shape[0] === r.fixedBatch &&
        r.shape(0)[0] === r.batch &&
        allowZero === 0
      )
        shape[0] = 0
      return { shape, allowZero }
    },
    run: (inputs, p) => {
      const x = need(inputs, 0)
      return [tf.reshape(x, reshapeTarget(x.shape, nums(p, 'shape'), num(p, 'allowZero') === 1))]
    },
    emit: (b, inputs, p) =>
      b.node('Reshape', [inputs[0], b.ints(jsonList(p, 'shape'), inputs[0])], num(p, 'allowZero') ? { allowzero: 1 } : {}),
  },
  Flatten: {
    layout: 'plain',
    canonical: (r) => ({ axis: normalizeAxis(r.int('axis', 1), r.shape(0).length) }),
    run: (inputs, p) => {
      const x = need(inputs, 0)
      const rows = x.shape.slice(0, num(p, 'axis')).reduce((a, b) => a * b, 1)
      return [tf.reshape(x, [rows, x.size / rows])]
    },
    emit: (b, inputs, p) => b.node('Flatten', [inputs[0]], { axis: num(p, 'axis') }),
  },
  Squeeze: {
    paramInputs: [1],
    layout: 'plain',
    canonical: (r) => {
      const shape = r.shape(0)
      // Without axes ONNX drops every size-1 axis; the batch axis is never dropped here, so a
      // model behaves the same for one image as for many.
      const axes = axesOf(r)?.map((a) => normalizeAxis(a, shape.length)) ?? shape.flatMap((d, i) => (d === 1 && i > 0 ? [i] : []))
      return { axes: [...axes].sort((a, b) => a - b) }
    },
    run: (inputs, p) => {
      const x = need(inputs, 0)
      const axes = nums(p, 'axes')
      return [
        tf.reshape(
          x,
          x.shape.filter((_, i) => !axes.includes(i)),
        ),
      ]
    },
    emit: (b, inputs, p) => b.node('Squeeze', [inputs[0], b.ints(jsonList(p, 'axes'))]),
  },
  Unsqueeze: {
    paramInputs: [1],
    layout: 'plain',
    canonical: (r) => {
      const axes = axesOf(r)
      if (!axes) throw r.unsupported('has no axes')
      const rank = r.shape(0).length + axes.length
      return { axes: axes.map((a) => normalizeAxis(a, rank)).sort((a, b) => a - b) }
    },
    run: (inputs, p) => {
      const x = need(inputs, 0)
      const shape = [...x.shape]
      for (const a of nums(p, 'axes')) shape.splice(a, 0, 1)
      return [tf.reshape(x, shape)]
    },
    emit: (b, inputs, p) => b.node('Unsqueeze', [inputs[0], b.ints(jsonList(p, 'axes'))]),
  },
  Transpose: {
    layout: 'plain',
    canonical: (r) => {
      const rank = r.shape(0).length
      return {
        perm: r.ints(
          'perm',
          Array.from({ length: rank }, (_, i) => rank - 1 - i),
        ),
      }
    },
    relabel: (p, inputTag) => {
      const perm = nums(p, 'perm').join(',')
      if (inputTag === 'nhwc' && perm === '0,2,3,1') return 'plain'
      if (inputTag === 'plain' && perm === '0,3,1,2') return 'nhwc'
      return undefined
    },
    run: (inputs, p) => [tf.transpose(need(inputs, 0), nums(p, 'perm'))],
    emit: (b, inputs, p) => b.node('Transpose', [inputs[0]], { perm: nums(p, 'perm') }),
  },
  Expand: {
    paramInputs: [1],
    layout: 'plain',
    canonical: (r) => {
      const shape = r.constantNumbers(1)
      if (!shape) throw r.unsupported('has no shape')
      return { shape }
    },
    run: (inputs, p) => {
      const x = need(inputs, 0)
      return [tf.broadcastTo(x, broadcastShapes(x.shape, nums(p, 'shape')))]
    },
    emit: (b, inputs, p) => b.node('Expand', [inputs[0], b.ints(jsonList(p, 'shape'), inputs[0])]),
  },
  Tile: {
    paramInputs: [1],
    layout: 'plain',
    canonical: (r) => {
      const repeats = r.constantNumbers(1)
      if (!repeats) throw r.unsupported('has no repeats')
      return { repeats }
    },
    run: (inputs, p) => [tf.tile(need(inputs, 0), nums(p, 'repeats'))],
    emit: (b, inputs, p) => b.node('Tile', [inputs[0], b.ints(jsonList(p, 'repeats'), inputs[0])]),
  },
}
