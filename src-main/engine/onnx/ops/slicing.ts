import * as tf from '@tensorflow/tfjs-core'
import { constTensor, scalar } from '../const-tensor'
import { tfAxis } from '../layout'
import type { OpSpec } from '../op-spec'
import { jsonList, need, normalizeAxis, num, nums } from './common'

/** ONNX Slice bounds of one axis, clamped as the spec says, as a positive-step range after reversal. */
function sliceRange(dim: number, start: number, end: number, step: number): { reverse: boolean; begin: number; end: number; step: number } {
  let s = start < 0 ? start + dim : start
  let e = end < 0 ? end + dim : end
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim)
    e = Math.min(Math.max(e, 0), dim)
    return { reverse: false, begin: s, end: Math.max(s, e), step }
  }
  s = Math.min(Math.max(s, 0), dim - 1)
  e = Math.min(Math.max(e, -1), dim - 1)
  // On the reversed axis, index i becomes dim - 1 - i.
  return { reverse: true, begin: dim - 1 - s, end: Math.max(dim - 1 - s, dim - 1 - e), step: -step }
}

function slice(x: tf.Tensor, starts: number[], ends: number[], axes: number[], steps: number[], tag: 'plain' | 'nhwc'): tf.Tensor {
  const begin = x.shape.map(() => 0)
  const stop = [...x.shape]
  const strides = x.shape.map(() => 1)
  const reversed: number[] = []
  axes.forEach((a, i) => {
    const t = tfAxis(a, x.rank, tag)
    const range = sliceRange(x.shape[t], starts[i], ends[i], steps[i])
    if (range.reverse) reversed.push(t)
    begin[t] = range.begin
    stop[t] = range.end
    strides[t] = range.step
  })
  const source = reversed.length > 0 ? tf.reverse(x, reversed) : x
  if (strides.every((s) => s === 1))
    return tf.slice(
      source,
      begin,
      stop.map((e, i) => e - begin[i]),
    )
  return tf.stridedSlice(source, begin, stop, strides)
}

/** Pads one axis by `before`/`after` elements with edge or reflect values, from slices (differentiable on wasm). */
function padAxis(x: tf.Tensor, axis: number, before: number, after: number, mode: string): tf.Tensor {
  const dim = x.shape[axis]
  const take = (from: number, count: number) => {
    const begin = x.shape.map(() => 0)
    const size = [...x.shape]
    begin[axis] = from
    size[axis] = count
    return tf.slice(x, begin, size)
  }
  const parts: tf.Tensor[] = []
  if (before > 0) {
    if (mode === 'edge') parts.push(tf.concat(Array(before).fill(take(0, 1)), axis))
    else parts.push(tf.reverse(take(1, before), axis))
  }
  parts.push(x)
  if (after > 0) {
    if (mode === 'edge') parts.push(tf.concat(Array(after).fill(take(dim - 1, 1)), axis))
    else parts.push(tf.reverse(take(dim - 1 - after, after), axis))
  }
  return parts.length === 1 ? x : tf.concat(parts, axis)
}

function pad(x: tf.Tensor, pads: number[], mode: string, value: number, tag: 'plain' | 'nhwc'): tf.Tensor {
  const rank = x.rank
  const grow: [number, number][] = x.shape.map(() => [0, 0])
  const cropBegin = x.shape.map(() => 0)
  const cropEnd = x.shape.map(() => 0)
  for (let a = 0; a < rank; a++) {
    const t = tfAxis(a, rank, tag)
    const [b, e] = [pads[a], pads[a + rank]]
    grow[t] = [Math.max(b, 0), Math.max(e, 0)]
    cropBegin[t] = Math.max(-b, 0)
    cropEnd[t] = Math.max(-e, 0)
  }
  let y = x
  if (cropBegin.some((c) => c > 0) || cropEnd.some((c) => c > 0)) {
    y = tf.slice(
      y,
      cropBegin,
      y.shape.map((d, i) => d - cropBegin[i] - cropEnd[i]),
    )
  }
  if (mode === 'constant') return grow.some(([b, e]) => b || e) ? tf.pad(y, grow, value) : y
  grow.forEach(([b, e], axis) => {
    if (b || e) y = padAxis(y, axis, b, e, mode)
  })
  return y
}

export const SLICING_OPS: Record<string, OpSpec> = {
  Concat: {
    layout: 'follow',
    canonical: (r) => ({ axis: normalizeAxis(r.int('axis', 0), r.shape(0).length) }),
    run: (inputs, p, tag) => {
      const rows = Array.isArray(p.batchRows) ? (p.batchRows as number[]) : []
      const batch = inputs.find((x, i) => x !== undefined && !rows.includes(i))?.shape[0]
      const xs = inputs
        .map((x, i) => (x && rows.includes(i) && batch !== undefined ? tf.broadcastTo(x, [batch, ...x.shape.slice(1)]) : x))
        .filter((x): x is tf.Tensor => x !== undefined)
      const dtype = xs.some((x) => x.dtype === 'float32') ? 'float32' : xs[0].dtype
      return [
        tf.concat(
          xs.map((x) => (x.dtype === dtype ? x : tf.cast(x, dtype))),
          tfAxis(num(p, 'axis'), xs[0].rank, tag),
        ),
      ]
    },
    emit: (b, inputs, p) => {
      const rows = Array.isArray(p.batchRows) ? (p.batchRows as number[]) : []
      const batchOf = inputs.find((_, i) => !rows.includes(i))
      const parts = inputs.map((name, i) => {
        if (!rows.includes(i) || batchOf === undefined) return name
        const rest = b.node('Slice', [b.node('Shape', [name])[0], b.ints([1]), b.ints([2 ** 31 - 1]), b.ints([0])])[0]
        const batch = b.node('Slice', [b.node('Shape', [batchOf])[0], b.ints([0]), b.ints([1]), b.ints([0])])[0]
        return b.node('Expand', [name, b.node('Concat', [batch, rest], { axis: 0 })[0]])[0]
      })
      return b.node('Concat', parts, { axis: num(p, 'axis') })
    },
  },
  Split: {
    paramInputs: [1],
    layout: 'follow',
    canonical: (r) => {
      const shape = r.shape(0)
      const axis = normalizeAxis(r.int('axis', 0), shape.length)
      const parts = r.node.outputs.length
      let sizes = r.opset < 13 ? r.ints('split', undefined) : r.constantNumbers(1)
      if (!sizes) {
        const each = Math.ceil(shape[axis] / parts)
        sizes = Array.from({ length: parts }, (_, i) => Math.min(each, shape[axis] - i * each))
      }
      if (sizes.length !== parts || sizes.reduce((a, b) => a + b, 0) !== shape[axis])
        throw r.unsupported('has split sizes that do not add up to its input')
      return { axis, sizes }
    },
    run: (inputs, p, tag) => {
      const x = need(inputs, 0)
      return tf.split(x, nums(p, 'sizes'), tfAxis(num(p, 'axis'), x.rank, tag))
    },
    emit: (b, inputs, p, outputs) =>
      b.node('Split', [inputs[0], b.ints(jsonList(p, 'sizes'), inputs[0])], { axis: num(p, 'axis') }, outputs),
  },
  Slice: {
    paramInputs: [1, 2, 3, 4],
    layout: 'follow',
    canonical: (r) => {
      const rank = r.shape(0).length
      const starts = r.opset < 10 ? r.ints('starts', []) : (r.constantNumbers(1) ?? [])
      const ends = r.opset < 10 ? r.ints('ends', []) : (r.constantNumbers(2) ?? [])
      const axes = (r.opset < 10 ? r.ints('axes', undefined) : r.constantNumbers(3)) ?? starts.map((_, i) => i)
      const steps = (r.opset < 10 ? undefined : r.constantNumbers(4)) ?? starts.map(() => 1)
      if (starts.length !== ends.length || axes.length !== starts.length || steps.length !== starts.length || steps.some((s) => s === 0)) {
        throw r.unsupported('has inconsistent starts, ends, axes or steps')
      }
      return { starts, ends, axes: axes.map((a) => normalizeAxis(a, rank)), steps }
    },
    run: (inputs, p, tag) => [slice(need(inputs, 0), nums(p, 'starts'), nums(p, 'ends'), nums(p, 'axes'), nums(p, 'steps'), tag)],
    emit: (b, inputs, p) =>
      b.node('Slice', [inputs[0], ...['starts', 'ends', 'axes', 'steps'].map((k) => b.ints(jsonList(p, k), inputs[0]))]),
  },
  Gather: {
    paramInputs: [1],
    layout: 'plain',
    canonical: (r) => {
      const indices = r.inputs[1]?.constant
      if (!indices) throw r.unsupported('gathers with indices computed at run time')
      const axis = normalizeAxis(r.int('axis', 0), r.shape(0).length)
      const dim = r.shape(0)[axis]
      return { axis, indices: Array.from(indices.values, (i) => (i < 0 ? i + dim : i)), indicesDims: indices.dims }
    },
    run: (inputs, p) => {
      // Gathers are written as slices: tf.gather's gradient needs UnsortedSegmentSum, which wasm lacks.
      const x = need(inputs, 0)
      const axis = num(p, 'axis')
      const pieces = nums(p, 'indices').map((i) => {
        const begin = x.shape.map(() => 0)
        const size = [...x.shape]
        begin[axis] = i
        size[axis] = 1
        return tf.slice(x, begin, size)
      })
      const joined = pieces.length === 1 ? pieces[0] : tf.concat(pieces, axis)
      return [tf.reshape(joined, [...x.shape.slice(0, axis), ...nums(p, 'indicesDims'), ...x.shape.slice(axis + 1)])]
    },
    emit: (b, inputs, p) =>
      b.node('Gather', [inputs[0], b.constant(constTensor('int', nums(p, 'indicesDims'), nums(p, 'indices')))], { axis: num(p, 'axis') }),
  },
  Pad: {
    paramInputs: [1, 2, 3],
    layout: 'follow',
    canonical: (r) => {
      const rank = r.shape(0).length
      const mode = r.string('mode', 'constant')
      if (!['constant', 'reflect', 'edge'].includes(mode)) throw r.unsupported(`pads in '${mode}' mode`)
      let pads = r.opset < 11 ? r.ints('pads', []) : (r.constantNumbers(1) ?? [])
      const value = r.opset < 11 ? r.float('value', 0) : (r.constantNumbers(2)?.[0] ?? 0)
      const axes = r.constantNumbers(3)
      if (axes) {
        const full = Array(2 * rank).fill(0)
        axes.forEach((a, i) => {
          full[normalizeAxis(a, rank)] = pads[i]
          full[normalizeAxis(a, rank) + rank] = pads[i + axes.length]
        })
        pads = full
      }
      if (pads.length !== 2 * rank) throw r.unsupported(`has ${pads.length} pads for a rank-${rank} input`)
      return { pads, mode, value }
    },
    run: (inputs, p, tag) => [pad(need(inputs, 0), nums(p, 'pads'), String(p.mode), num(p, 'value'), tag)],
    emit: (b, inputs, p) => {
      const pads = b.ints(jsonList(p, 'pads'))
      const args = p.mode === 'constant' ? [inputs[0], pads, b.constant(scalar('float', num(p, 'value')))] : [inputs[0], pads]
      return b.node('Pad', args, { mode: String(p.mode) })
    },
  },
}
