import * as tf from '@tensorflow/tfjs-core'
import { constTensor, DataType, elementCount, kindOfDataType, type ConstTensor, type ValueKind } from '../const-tensor'
import type { OpSpec } from '../op-spec'
import { need } from './common'

/** Ops whose results are always known at load time for a fixed input size. */
function loadTime(spec: Omit<OpSpec, 'run' | 'emit' | 'layout'>): OpSpec {
  return {
    layout: 'plain',
    ...spec,
    run: () => {
      throw new Error('internal error: a load-time op reached run time')
    },
    emit: () => {
      throw new Error('internal error: a load-time op reached the exporter')
    },
  }
}

const TF_DTYPE: Record<ValueKind, 'float32' | 'int32' | 'bool'> = { float: 'float32', int: 'int32', bool: 'bool' }
const ONNX_TYPE: Record<ValueKind, number> = { float: DataType.FLOAT, int: DataType.INT64, bool: DataType.BOOL }

function castValues(t: ConstTensor, kind: ValueKind): ConstTensor {
  const convert = kind === 'float' ? (v: number) => v : kind === 'bool' ? (v: number) => (v !== 0 ? 1 : 0) : Math.trunc
  return constTensor(kind, t.dims, Array.from(t.values, convert))
}

export const CONSTANT_OPS: Record<string, OpSpec> = {
  Constant: loadTime({
    canonical: () => ({}),
    fold: (r) => {
      const tensor = r.tensor('value')
      if (tensor) return [tensor]
      if (r.has('value_float')) return [constTensor('float', [], [r.float('value_float', 0)])]
      if (r.has('value_floats')) return [constTensor('float', [r.ints('value_floats', []).length], r.ints('value_floats', []))]
      if (r.has('value_int')) return [constTensor('int', [], [r.int('value_int', 0)])]
      if (r.has('value_ints')) return [constTensor('int', [r.ints('value_ints', []).length], r.ints('value_ints', []))]
      throw r.unsupported('holds a sparse or string constant')
    },
  }),
  Shape: loadTime({
    canonical: () => ({}),
    fold: (r) => {
      const shape = r.shape(0)
      const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + shape.length : i, 0), shape.length)
      const picked = shape.slice(clampIndex(r.int('start', 0)), clampIndex(r.int('end', shape.length)))
      return [constTensor('int', [picked.length], picked)]
    },
  }),
  Size: loadTime({
    canonical: () => ({}),
    fold: (r) => [constTensor('int', [], [elementCount(r.shape(0))])],
  }),
  ConstantOfShape: loadTime({
    paramInputs: [0],
    canonical: () => ({}),
    fold: (r) => {
      const dims = r.constantNumbers(0) ?? []
      const value = r.tensor('value') ?? constTensor('float', [1], [0])
      return [constTensor(value.kind, dims, new Array(elementCount(dims)).fill(value.values[0]))]
    },
  }),
  Range: loadTime({
    paramInputs: [0, 1, 2],
    canonical: () => ({}),
    fold: (r) => {
      const [start, limit, delta] = [0, 1, 2].map((i) => r.constantNumbers(i)?.[0] ?? 0)
      const count = Math.max(Math.ceil((limit - start) / delta), 0)
      return [
        constTensor(
          r.inputs[0]?.constant?.kind ?? 'int',
          [count],
          Array.from({ length: count }, (_, i) => start + i * delta),
        ),
      ]
    },
  }),
  Cast: {
    layout: 'follow',
    canonical: (r) => {
      const kind = kindOfDataType(r.int('to', DataType.FLOAT))
      if (!kind) throw r.unsupported(`casts to type ${r.int('to', 0)}`)
      return { to: kind }
    },
    fold: (r, p) => {
      const c = r.inputs[0]?.constant
      return c ? [castValues(c, p.to as ValueKind)] : undefined
    },
    run: (inputs, p) => [tf.cast(need(inputs, 0), TF_DTYPE[p.to as ValueKind])],
    emit: (b, inputs, p) => b.node('Cast', [inputs[0]], { to: ONNX_TYPE[p.to as ValueKind] }),
  },
}
