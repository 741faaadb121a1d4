import { LabError } from '../base/errors'
import { constTensor } from './const-tensor'
import type { AttributeValue, OnnxNode } from './graph'
import type { OnnxGraphBuilder } from './graph-builder'
import type { Params } from './op-spec'
import { averagePoolCounts } from './ops'

/** What a gradient rule sees of one forward node. */
interface RuleContext {
  node: OnnxNode
  params: Params
  /** Gradient of each node output (undefined when no gradient reaches that output). */
  dy: (string | undefined)[]
  /** Whether input i needs a gradient (it depends on the image). */
  needs(i: number): boolean
  shape(name: string): number[]
  emitMany(op: string, inputs: string[], attributes: Record<string, AttributeValue>, shapes: number[][]): string[]
  /** Adds a backward node with one output of the given shape. */
  emit(op: string, inputs: string[], attributes: Record<string, AttributeValue>, shape: number[]): string
  ints(values: number[]): string
  scalar(value: number): string
  floats(values: ArrayLike<number>, dims: number[]): string
  /** Forward-only facts about initializers (batch norm statistics, exponents...). */
  constantOf(name: string): Float32Array | Float64Array | undefined
  /**
   * For a MaxPool fed only by a Relu: maxpool(relu(x)) = relu(maxpool(x)), so the Relu's gate is
   * applied to the (smaller) pooled gradient here, and the Relu passes its gradient through.
   */
  gateOnOutput: boolean
}

/** Returns the gradient of each node input, aligned with node.inputs. */
type Rule = (c: RuleContext) => (string | undefined)[]

function same(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

/** Sums a broadcast gradient back to the shape of the operand it came from. */
function unbroadcast(c: RuleContext, g: string, target: string): string {
  const gs = c.shape(g)
  const ts = c.shape(target)
  if (same(gs, ts)) return g
  const offset = gs.length - ts.length
  const axes = gs.flatMap((d, i) => (i < offset || (ts[i - offset] === 1 && d !== 1) ? [i] : []))
  const reduced =
    axes.length === 0
      ? g
      : c.emit(
          'ReduceSum',
          [g, c.ints(axes)],
          { keepdims: 1 },
          gs.map((d, i) => (axes.includes(i) ? 1 : d)),
        )
  return c.emit('Reshape', [reduced, c.emit('Shape', [target], {}, [ts.length])], {}, ts)
}

/** g where cond holds, 0 elsewhere. */
function gate(c: RuleContext, cond: string, g: string): string {
  return c.emit('Where', [cond, g, c.scalar(0)], {}, c.shape(g))
}

/** Gradient routed back through an op that only moves data (same number of elements). */
function reshapeBack(c: RuleContext): (string | undefined)[] {
  const x = c.node.inputs[0]
  return [c.emit('Reshape', [c.dy[0] as string, c.emit('Shape', [x], {}, [c.shape(x).length])], {}, c.shape(x))]
}

function elementwise(derivative: (c: RuleContext, x: string, y: string, g: string) => string): Rule {
  return (c) => [derivative(c, c.node.inputs[0], c.node.outputs[0], c.dy[0] as string)]
}

function mul(c: RuleContext, a: string, b: string): string {
  return c.emit('Mul', [a, b], {}, broadcast(c.shape(a), c.shape(b)))
}

function broadcast(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length)
  return Array.from({ length: rank }, (_, i) => Math.max(a[a.length - rank + i] ?? 1, b[b.length - rank + i] ?? 1))
}

function cmp(c: RuleContext, op: string, x: string, value: number): string {
  return c.emit(op, [x, c.scalar(value)], {}, c.shape(x))
}

/**
 * Weights of the convolution whose output is dL/dX of a stride-1 Conv: each group's [O, I] swapped
 * to [I, O] and the kernel rotated by 180 degrees (ONNX Conv is a cross-correlation).
 */
function adjointKernel(values: ArrayLike<number>, [o, ig, kh, kw]: number[], group: number): Float32Array {
  const og = o / group
  const out = new Float32Array(values.length)
  for (let g = 0; g < group; g++)
    for (let oo = 0; oo < og; oo++)
      for (let i = 0; i < ig; i++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++) {
            const from = (((g * og + oo) * ig + i) * kh + y) * kw + x
            const to = (((g * ig + i) * og + oo) * kh + (kh - 1 - y)) * kw + (kw - 1 - x)
            out[to] = values[from]
          }
  return out
}

/**
 * dL/dX of a Conv. With stride 1, constant weights and at least 8 input channels it is itself a
 * Conv (of dY with the adjoint kernel), which onnxruntime runs several times faster than
 * ConvTranspose; otherwise it is the ConvTranspose of dY with the same weights (which is the faster
 * of the two when dX has few channels, e.g. the image: onnxruntime's blocked Conv pads channels).
 */
function convBackward(c: RuleContext): (string | undefined)[] {
  const [x, w] = c.node.inputs
  if (c.needs(1) || (c.node.inputs[2] && c.needs(2))) throw noGradient(c.node, 'computed weights')
  const p = c.params
  const [, , h, wd] = c.shape(x)
  const [, , oh, ow] = c.shape(c.node.outputs[0])
  const ws = c.shape(w)
  const [kh, kw] = ws.slice(2)
  const [sh, sw] = p.strides as number[]
  const [dh, dw] = p.dilations as number[]
  const [pt, pl, pb, pr] = p.pads as number[]
  const group = p.group as number
  const values = c.constantOf(w)
  const adjointPads = [(kh - 1) * dh - pt, (kw - 1) * dw - pl, (kh - 1) * dh - pb, (kw - 1) * dw - pr]
  if (sh === 1 && sw === 1 && values && ws[1] * group >= 8 && adjointPads.every((v) => v >= 0)) {
    const kernel = c.floats(adjointKernel(values, ws, group), [ws[1] * group, ws[0] / group, kh, kw])
    return [
      c.emit(
        'Conv',
        [c.dy[0] as string, kernel],
        { kernel_shape: [kh, kw], strides: [1, 1], dilations: [dh, dw], group, pads: adjointPads },
        c.shape(x),
      ),
    ]
  }
  const outputPadding = [h - (sh * (oh - 1) + (kh - 1) * dh + 1 - pt - pb), wd - (sw * (ow - 1) + (kw - 1) * dw + 1 - pl - pr)]
  const dx = c.emit(
    'ConvTranspose',
    [c.dy[0] as string, w],
    {
      kernel_shape: [kh, kw],
      strides: [sh, sw],
      dilations: [dh, dw],
      group,
      pads: [pt, pl, pb, pr],
      output_padding: outputPadding,
    },
    c.shape(x),
  )
  return [dx]
}

function convTransposeBackward(c: RuleContext): (string | undefined)[] {
  const [x, w] = c.node.inputs
  if (c.needs(1) || (c.node.inputs[2] && c.needs(2))) throw noGradient(c.node, 'computed weights')
  const p = c.params
  return [
    c.emit(
      'Conv',
      [c.dy[0] as string, w],
      {
        kernel_shape: p.kernel as number[],
        strides: p.strides as number[],
        dilations: p.dilations as number[],
        group: p.group as number,
        pads: p.pads as number[],
      },
      c.shape(x),
    ),
  ]
}

/**
 * MaxPool's gradient to the first maximum of each window (padding excluded), as in PyTorch and
 * onnxruntime: a second MaxPool gives the argmax indices (the forward one stays in onnxruntime's
 * fast blocked layout), then MaxUnpool places dY there when windows do not overlap, or a
 * scatter-add when they do.
 */
function maxPoolBackward(c: RuleContext): (string | undefined)[] {
  const x = c.node.inputs[0]
  const y = c.node.outputs[0]
  const xs = c.shape(x)
  const ys = c.shape(y)
  const p = c.params
  const [kh, kw] = p.kernel as number[]
  const [sh, sw] = p.strides as number[]
  const dy = c.gateOnOutput ? gate(c, cmp(c, 'Greater', y, 0), c.dy[0] as string) : (c.dy[0] as string)
  const attributes = { kernel_shape: [kh, kw], strides: [sh, sw], pads: p.pads as number[], ceil_mode: p.ceilMode as number }
  const indices = c.emitMany('MaxPool', [x], attributes, [ys, ys])[1]
  // MaxUnpool cannot take the ceil-mode extra rows (its inferred size would exceed the input).
  if (kh <= sh && kw <= sw && (p.extra as number[]).every((v) => v === 0)) {
    const { ceil_mode: _ceil, ...unpool } = attributes
    return [c.emit('MaxUnpool', [dy, indices, c.emit('Shape', [x], {}, [4])], unpool, xs)]
  }
  const size = xs.reduce((a, b) => a * b, 1)
  const outSize = ys.reduce((a, b) => a * b, 1)
  const count = c.emit('Unsqueeze', [c.emit('Size', [x], {}, []), c.ints([0])], {}, [1])
  const zeros = c.emit('ConstantOfShape', [count], {}, [size])
  const flatIndices = c.emit('Reshape', [indices, c.ints([-1])], {}, [outSize])
  const flatDy = c.emit('Reshape', [dy, c.ints([-1])], {}, [outSize])
  const scattered = c.emit('ScatterElements', [zeros, flatIndices, flatDy], { axis: 0, reduction: 'add' }, [size])
  return [c.emit('Reshape', [scattered, c.emit('Shape', [x], {}, [4])], {}, xs)]
}

/** AveragePool's gradient: dY divided by each window's count, spread back by a ones ConvTranspose. */
function averagePoolBackward(c: RuleContext): (string | undefined)[] {
  const x = c.node.inputs[0]
  const [, channels, h, w] = c.shape(x)
  const [, , oh, ow] = c.shape(c.node.outputs[0])
  const p = c.params
  const [kh, kw] = p.kernel as number[]
  const [sh, sw] = p.strides as number[]
  const [pt, pl, pb, pr] = p.pads as number[]
  const [eh, ew] = p.extra as number[]
  const counts = c.floats(averagePoolCounts([h, w], p, oh, ow), [oh, ow])
  const scaled = c.emit('Div', [c.dy[0] as string, counts], {}, c.shape(c.dy[0] as string))
  const ones = c.floats(new Float32Array(channels * kh * kw).fill(1), [channels, 1, kh, kw])
  const outputPadding = [h - (sh * (oh - 1) + kh - pt - pb - eh), w - (sw * (ow - 1) + kw - pl - pr - ew)]
  return [
    c.emit(
      'ConvTranspose',
      [scaled, ones],
      {
        kernel_shape: [kh, kw],
        strides: [sh, sw],
        group: channels,
        pads: [pt, pl, pb + eh, pr + ew],
        output_padding: outputPadding,
      },
      c.shape(x),
    ),
  ]
}

function globalAverageBackward(c: RuleContext): (string | undefined)[] {
  const x = c.node.inputs[0]
  const xs = c.shape(x)
  const area = xs.slice(2).reduce((a, b) => a * b, 1)
  const scaled = c.emit('Div', [c.dy[0] as string, c.scalar(area)], {}, c.shape(c.dy[0] as string))
  return [c.emit('Expand', [scaled, c.emit('Shape', [x], {}, [xs.length])], {}, xs)]
}

/** Max-like reductions: the gradient goes to every element equal to the maximum. */
function toMaxima(c: RuleContext, x: string, yKeep: string, gKeep: string): string {
  const xs = c.shape(x)
  const shape = c.emit('Shape', [x], {}, [xs.length])
  const hit = c.emit('Equal', [x, c.emit('Expand', [yKeep, shape], {}, xs)], {}, xs)
  return gate(c, hit, c.emit('Expand', [gKeep, shape], {}, xs))
}

function batchNormBackward(c: RuleContext): (string | undefined)[] {
  const [x, scale, , , variance] = c.node.inputs
  if ([1, 2, 3, 4].some((i) => c.needs(i))) throw noGradient(c.node, 'computed statistics')
  const s = c.constantOf(scale)
  const v = c.constantOf(variance)
  if (!s || !v) throw noGradient(c.node, 'statistics that are not constants')
  const eps = c.params.epsilon as number
  const factor = Array.from(s, (sv, i) => sv / Math.sqrt(v[i] + eps))
  const xs = c.shape(x)
  const dims = [factor.length, ...Array(xs.length - 2).fill(1)]
  return [mul(c, c.dy[0] as string, c.floats(factor, dims))]
}

/**
 * LayerNormalization's input gradient, with x̂ = (x - μ)/σ over the normalised axes and g' = dY·scale:
 * dX = (g' - mean(g') - x̂·mean(g'·x̂)) / σ. The statistics are recomputed from x (they are not
 * forward outputs onnxruntime keeps).
 */
function layerNormBackward(c: RuleContext): (string | undefined)[] {
  const [x, scale] = c.node.inputs
  if (c.needs(1) || (c.node.inputs[2] && c.needs(2))) throw noGradient(c.node, 'a computed scale or bias')
  const xs = c.shape(x)
  const first = c.params.axis as number
  const axes = xs.flatMap((_, i) => (i >= first ? [i] : []))
  const kept = xs.map((d, i) => (i >= first ? 1 : d))
  const mean = (t: string) => c.emit('ReduceMean', [t], { axes, keepdims: 1 }, kept)
  const centred = c.emit('Sub', [x, mean(x)], {}, xs)
  const variance = mean(mul(c, centred, centred))
  const inverse = c.emit(
    'Reciprocal',
    [c.emit('Sqrt', [c.emit('Add', [variance, c.scalar(c.params.epsilon as number)], {}, kept)], {}, kept)],
    {},
    kept,
  )
  const normalised = mul(c, centred, inverse)
  const scaled = mul(c, c.dy[0] as string, scale)
  const centredGrad = c.emit('Sub', [scaled, mean(scaled)], {}, xs)
  const projection = mul(c, normalised, mean(mul(c, scaled, normalised)))
  return [mul(c, inverse, c.emit('Sub', [centredGrad, projection], {}, xs))]
}

/** Pow: d(a^b)/da = b·a^(b-1) (a square, as decomposed layer norms use, is 2a); d/db = a^b·ln a. */
function powBackward(c: RuleContext): (string | undefined)[] {
  const [a, b] = c.node.inputs
  const y = c.node.outputs[0]
  const g = c.dy[0] as string
  const out: (string | undefined)[] = []
  if (c.needs(0)) {
    const exponent = c.needs(1) ? undefined : c.constantOf(b)
    let slope: string
    if (exponent?.length === 1 && exponent[0] === 2) slope = mul(c, a, c.scalar(2))
    else if (exponent?.length === 1) slope = mul(c, c.emit('Pow', [a, c.scalar(exponent[0] - 1)], {}, c.shape(a)), c.scalar(exponent[0]))
    else {
      const bf = c.emit('Cast', [b], { to: 1 }, c.shape(b))
      slope = mul(c, c.emit('Pow', [a, c.emit('Sub', [bf, c.scalar(1)], {}, c.shape(b))], {}, c.shape(y)), bf)
    }
    out[0] = unbroadcast(c, mul(c, g, slope), a)
  }
  if (c.needs(1)) out[1] = unbroadcast(c, mul(c, g, mul(c, y, c.emit('Log', [a], {}, c.shape(a)))), b)
  return out
}

/**
 * Gather with load-time indices (a ViT's class-token read, x[:, 0]): dY goes back to the gathered
 * positions, by padding for one index and by a product with the one-hot [indices, positions]
 * matrix for several (which also sums repeated indices).
 */
function gatherBackward(c: RuleContext): (string | undefined)[] {
  const x = c.node.inputs[0]
  const xs = c.shape(x)
  const axis = c.params.axis as number
  const indices = c.params.indices as number[]
  if (axis === 0) throw noGradient(c.node, 'indices along the batch axis')
  const k = indices.length
  const along = [...xs.slice(0, axis), k, ...xs.slice(axis + 1)]
  // Reshape target 0 keeps the batch size, whatever it is at run time.
  const g = c.emit('Reshape', [c.dy[0] as string, c.ints([0, ...along.slice(1)])], {}, along)
  if (k === 1) {
    const pads = Array(2 * xs.length).fill(0)
    pads[axis] = indices[0]
    pads[axis + xs.length] = xs[axis] - 1 - indices[0]
    return [c.emit('Pad', [g, c.ints(pads)], { mode: 'constant' }, xs)]
  }
  const last = xs.length - 1
  const perm = xs.map((_, i) => (i === axis ? last : i === last ? axis : i))
  const moved = c.emit(
    'Transpose',
    [g],
    { perm },
    perm.map((p) => along[p]),
  )
  const oneHot = new Float32Array(k * xs[axis])
  indices.forEach((index, row) => (oneHot[row * xs[axis] + index] = 1))
  const spread = c.emit(
    'MatMul',
    [moved, c.floats(oneHot, [k, xs[axis]])],
    {},
    perm.map((p) => xs[p]),
  )
  return [c.emit('Transpose', [spread], { perm }, xs)]
}

function gemmBackward(c: RuleContext): (string | undefined)[] {
  const [a, b, bias] = c.node.inputs
  const g = c.dy[0] as string
  const alpha = c.params.alpha as number
  const transA = c.params.transA === 1
  const transB = c.params.transB === 1
  const out: (string | undefined)[] = []
  if (c.needs(0)) {
    out[0] = transA
      ? c.emit('Gemm', [b, g], { alpha, transA: transB ? 1 : 0, transB: 1 }, c.shape(a))
      : c.emit('Gemm', [g, b], { alpha, transA: 0, transB: transB ? 0 : 1 }, c.shape(a))
  }
  if (c.needs(1)) {
    out[1] = transB
      ? c.emit('Gemm', [g, a], { alpha, transA: 1, transB: transA ? 1 : 0 }, c.shape(b))
      : c.emit('Gemm', [a, g], { alpha, transA: transA ? 0 : 1, transB: 0 }, c.shape(b))
  }
  if (bias && c.needs(2)) out[2] = unbroadcast(c, mul(c, g, c.scalar(c.params.beta as number)), bias)
  return out
}

/** A tensor with its last two axes swapped (for matrix products). */
function swapLast(c: RuleContext, t: string): string {
  const s = c.shape(t)
  const perm = s.map((_, i) => i)
  ;[perm[s.length - 2], perm[s.length - 1]] = [perm[s.length - 1], perm[s.length - 2]]
  return c.emit(
    'Transpose',
    [t],
    { perm },
    perm.map((p) => s[p]),
  )
}

function matMulBackward(c: RuleContext): (string | undefined)[] {
  const [a, b] = c.node.inputs
  const g = c.dy[0] as string
  if (c.shape(a).length < 2 || c.shape(b).length < 2) throw noGradient(c.node, 'vector operands')
  const out: (string | undefined)[] = []
  if (c.needs(0)) {
    const bt = swapLast(c, b)
    const full = c.emit(
      'MatMul',
      [g, bt],
      {},
      broadcast(c.shape(g), c.shape(bt))
        .slice(0, -1)
        .concat(c.shape(bt).at(-1) as number),
    )
    out[0] = unbroadcast(c, full, a)
  }
  if (c.needs(1)) {
    const at = swapLast(c, a)
    const full = c.emit(
      'MatMul',
      [at, g],
      {},
      broadcast(c.shape(at), c.shape(g))
        .slice(0, -2)
        .concat([c.shape(at).at(-2) as number, c.shape(g).at(-1) as number]),
    )
    out[1] = unbroadcast(c, full, b)
  }
  return out
}

function concatBackward(c: RuleContext): (string | undefined)[] {
  const axis = c.params.axis as number
  let start = 0
  return c.node.inputs.map((x, i) => {
    const size = c.shape(x)[axis]
    const begin = start
    start += size
    if (!c.needs(i)) return undefined
    const shape = [...c.shape(x)]
    return c.emit('Slice', [c.dy[0] as string, c.ints([begin]), c.ints([begin + size]), c.ints([axis])], {}, shape)
  })
}

function splitBackward(c: RuleContext): (string | undefined)[] {
  const parts = c.node.outputs.map(
    (o, k) => c.dy[k] ?? c.emit('ConstantOfShape', [c.emit('Shape', [o], {}, [c.shape(o).length])], {}, c.shape(o)),
  )
  return [c.emit('Concat', parts, { axis: c.params.axis as number }, c.shape(c.node.inputs[0]))]
}

function sliceBackward(c: RuleContext): (string | undefined)[] {
  const x = c.node.inputs[0]
  const xs = c.shape(x)
  const p = c.params
  const steps = p.steps as number[]
  if (steps.some((s) => s !== 1)) throw noGradient(c.node, 'strided or reversed slices')
  const pads = Array(2 * xs.length).fill(0)
  ;(p.axes as number[]).forEach((axis, i) => {
    const dim = xs[axis]
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim)
    const begin = clamp((p.starts as number[])[i])
    const end = Math.max(begin, clamp((p.ends as number[])[i]))
    pads[axis] = begin
    pads[axis + xs.length] = dim - end
  })
  return [c.emit('Pad', [c.dy[0] as string, c.ints(pads)], { mode: 'constant' }, xs)]
}

function padBackward(c: RuleContext): (string | undefined)[] {
  const x = c.node.inputs[0]
  const xs = c.shape(x)
  const pads = c.params.pads as number[]
  if (c.params.mode !== 'constant' || pads.some((v) => v < 0)) throw noGradient(c.node, `'${String(c.params.mode)}' or negative padding`)
  const rank = xs.length
  // Only padded axes are sliced, so the batch axis never gets a fixed size.
  const axes = xs.flatMap((_, i) => (pads[i] !== 0 || pads[i + rank] !== 0 ? [i] : []))
  if (axes.length === 0) return [c.dy[0]]
  return [
    c.emit('Slice', [c.dy[0] as string, c.ints(axes.map((i) => pads[i])), c.ints(axes.map((i) => pads[i] + xs[i])), c.ints(axes)], {}, xs),
  ]
}

function reduceBackward(mean: boolean): Rule {
  return (c) => {
    const x = c.node.inputs[0]
    const xs = c.shape(x)
    const axes = c.params.axes as number[]
    const kept = xs.map((d, i) => (axes.includes(i) ? 1 : d))
    const g =
      c.params.keepDims === 1
        ? (c.dy[0] as string)
        : c.emit('Reshape', [c.dy[0] as string, c.ints(kept.map((d, i) => (i === 0 ? -1 : d)))], {}, kept)
    const count = axes.reduce((a, i) => a * xs[i], 1)
    const scaled = mean ? c.emit('Div', [g, c.scalar(count)], {}, kept) : g
    return [c.emit('Expand', [scaled, c.emit('Shape', [x], {}, [xs.length])], {}, xs)]
  }
}

function softmaxBackward(log: boolean): Rule {
  return (c) => {
    const y = c.node.outputs[0]
    const g = c.dy[0] as string
    const ys = c.shape(y)
    const axis = c.params.axis as number
    if (c.params.legacy) throw noGradient(c.node, 'the opset-12 flattening form')
    const keep = ys.map((d, i) => (i === axis ? 1 : d))
    if (log) {
      const total = c.emit('ReduceSum', [g, c.ints([axis])], { keepdims: 1 }, keep)
      return [c.emit('Sub', [g, mul(c, c.emit('Exp', [y], {}, ys), total)], {}, ys)]
    }
    const dot = c.emit('ReduceSum', [mul(c, g, y), c.ints([axis])], { keepdims: 1 }, keep)
    return [mul(c, y, c.emit('Sub', [g, dot], {}, ys))]
  }
}

function binary(op: 'Add' | 'Sub' | 'Mul' | 'Div'): Rule {
  return (c) => {
    const [a, b] = c.node.inputs
    const g = c.dy[0] as string
    const out: (string | undefined)[] = []
    if (c.needs(0)) {
      const ga = op === 'Mul' ? mul(c, g, b) : op === 'Div' ? c.emit('Div', [g, b], {}, c.shape(g)) : g
      out[0] = unbroadcast(c, ga, a)
    }
    if (c.needs(1)) {
      let gb: string
      if (op === 'Add') gb = g
      else if (op === 'Sub') gb = c.emit('Neg', [g], {}, c.shape(g))
      else if (op === 'Mul') gb = mul(c, g, a)
      else gb = c.emit('Neg', [c.emit('Div', [mul(c, g, c.node.outputs[0]), b], {}, c.shape(g))], {}, c.shape(g))
      out[1] = unbroadcast(c, gb, b)
    }
    return out
  }
}

function noGradient(node: OnnxNode, what: string): LabError {
  return new LabError(
    'ORT_NO_GRADIENT',
    `The onnxruntime backend cannot take input gradients through node '${node.name}' (${node.op} with ${what}). Use the TF.js backend for gradient attacks on this model.`,
  )
}

const pass: Rule = (c) => [c.dy[0]]

const RULES: Record<string, Rule> = {
  Identity: pass,
  Dropout: pass,
  // Gated on the output: then the backward pass does not need the convolution's own output, and
  // onnxruntime can still fuse Conv + Relu in the forward pass.
  Relu: (c) => (c.gateOnOutput ? [c.dy[0]] : [gate(c, cmp(c, 'Greater', c.node.outputs[0], 0), c.dy[0] as string)]),
  LeakyRelu: elementwise((c, x, _y, g) =>
    c.emit('Where', [cmp(c, 'Greater', x, 0), g, mul(c, g, c.scalar(c.params.alpha as number))], {}, c.shape(g)),
  ),
  Sigmoid: elementwise((c, _x, y, g) => mul(c, g, mul(c, y, c.emit('Sub', [c.scalar(1), y], {}, c.shape(y))))),
  Tanh: elementwise((c, _x, y, g) => mul(c, g, c.emit('Sub', [c.scalar(1), mul(c, y, y)], {}, c.shape(y)))),
  Exp: elementwise((c, _x, y, g) => mul(c, g, y)),
  Log: elementwise((c, x, _y, g) => c.emit('Div', [g, x], {}, c.shape(g))),
  Sqrt: elementwise((c, _x, y, g) => c.emit('Div', [g, mul(c, y, c.scalar(2))], {}, c.shape(g))),
  Neg: elementwise((c, _x, _y, g) => c.emit('Neg', [g], {}, c.shape(g))),
  Selu: elementwise((c, x, y, g) => {
    const gamma = c.params.gamma as number
    const negative = mul(c, g, c.emit('Add', [y, c.scalar(gamma * (c.params.alpha as number))], {}, c.shape(y)))
    return c.emit('Where', [cmp(c, 'Greater', x, 0), mul(c, g, c.scalar(gamma)), negative], {}, c.shape(g))
  }),
  Softplus: elementwise((c, x, _y, g) => mul(c, g, c.emit('Sigmoid', [x], {}, c.shape(x)))),
  Elu: elementwise((c, x, y, g) =>
    c.emit(
      'Where',
      [cmp(c, 'Greater', x, 0), g, mul(c, g, c.emit('Add', [y, c.scalar(c.params.alpha as number)], {}, c.shape(y)))],
      {},
      c.shape(g),
    ),
  ),
  Erf: elementwise((c, x, _y, g) =>
    mul(c, g, mul(c, c.scalar(2 / Math.sqrt(Math.PI)), c.emit('Exp', [c.emit('Neg', [mul(c, x, x)], {}, c.shape(x))], {}, c.shape(x)))),
  ),
  Clip: (c) => {
    const x = c.node.inputs[0]
    let inside = c.dy[0] as string
    if (c.params.min !== null) inside = gate(c, c.emit('GreaterOrEqual', [x, c.scalar(c.params.min as number)], {}, c.shape(x)), inside)
    if (c.params.max !== null) inside = gate(c, c.emit('LessOrEqual', [x, c.scalar(c.params.max as number)], {}, c.shape(x)), inside)
    return [inside]
  },
  HardSigmoid: elementwise((c, x, _y, g) => {
    const lin = c.emit('Add', [mul(c, x, c.scalar(c.params.alpha as number)), c.scalar(c.params.beta as number)], {}, c.shape(x))
    const inside = c.emit('And', [cmp(c, 'Greater', lin, 0), cmp(c, 'Less', lin, 1)], {}, c.shape(x))
    return gate(c, inside, mul(c, g, c.scalar(c.params.alpha as number)))
  }),
  HardSwish: elementwise((c, x, _y, g) => {
    // d/dx x·clip(x/6 + 1/2, 0, 1) = 0 below -3, 1 above 3, (2x + 3)/6 between.
    const mid = c.emit('Add', [mul(c, x, c.scalar(1 / 3)), c.scalar(0.5)], {}, c.shape(x))
    const slope = c.emit(
      'Where',
      [cmp(c, 'Greater', x, 3), c.scalar(1), c.emit('Where', [cmp(c, 'Less', x, -3), c.scalar(0), mid], {}, c.shape(x))],
      {},
      c.shape(x),
    )
    return mul(c, g, slope)
  }),
  PRelu: (c) => {
    const [x] = c.node.inputs
    if (c.needs(1)) throw noGradient(c.node, 'a computed slope')
    const g = c.dy[0] as string
    return [c.emit('Where', [cmp(c, 'Greater', x, 0), g, mul(c, g, c.node.inputs[1])], {}, c.shape(g))]
  },
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
  Sum: (c) => c.node.inputs.map((x, i) => (c.needs(i) ? unbroadcast(c, c.dy[0] as string, x) : undefined)),
  Where: (c) => {
    const [cond, a, b] = c.node.inputs
    const g = c.dy[0] as string
    return [
      undefined,
      c.needs(1) ? unbroadcast(c, gate(c, cond, g), a) : undefined,
      c.needs(2) ? unbroadcast(c, c.emit('Where', [cond, c.scalar(0), g], {}, c.shape(g)), b) : undefined,
    ]
  },
  Conv: convBackward,
  ConvTranspose: convTransposeBackward,
  MaxPool: maxPoolBackward,
  AveragePool: averagePoolBackward,
  GlobalAveragePool: globalAverageBackward,
  GlobalMaxPool: (c) => [toMaxima(c, c.node.inputs[0], c.node.outputs[0], c.dy[0] as string)],
  BatchNormalization: batchNormBackward,
  LayerNormalization: layerNormBackward,
  Pow: powBackward,
  Gemm: gemmBackward,
  MatMul: matMulBackward,
  Flatten: reshapeBack,
  Reshape: reshapeBack,
  Squeeze: reshapeBack,
  Unsqueeze: reshapeBack,
  Transpose: (c) => {
    const perm = c.params.perm as number[]
    const inverse = perm.map((_, i) => perm.indexOf(i))
    return [c.emit('Transpose', [c.dy[0] as string], { perm: inverse }, c.shape(c.node.inputs[0]))]
  },
  Expand: (c) => [unbroadcast(c, c.dy[0] as string, c.node.inputs[0])],
  Concat: concatBackward,
  Split: splitBackward,
  Slice: sliceBackward,
  Gather: gatherBackward,
  Pad: padBackward,
  ReduceMean: reduceBackward(true),
  ReduceSum: reduceBackward(false),
  Softmax: softmaxBackward(false),
  LogSoftmax: softmaxBackward(true),
  Cast: (c) => [c.params.to === 'float' ? c.dy[0] : undefined],
}

/** Operators whose input gradient the onnxruntime backend can build. */
export const GRADIENT_OPS: readonly string[] = Object.keys(RULES)

export interface GradientOutputs {
  /** One-hot labels input [batch, classes]. */
  labels: string
  /** Cross-entropy of each sample [batch]. */
  loss: string
  /** d(sum of losses)/d(input), in the input's layout. */
  grad: string
}

/**
 * Extends a forward graph (input → logits) with the summed softmax cross-entropy of given labels
 * and its gradient with respect to the input, by reverse-mode differentiation of its nodes.
 * Weights are constants; only the path from the image is differentiated.
 */
export function appendInputGradient(b: OnnxGraphBuilder, input: string, logits: string): GradientOutputs {
  const forward = [...b.nodes]
  const zs = b.shape(logits)
  const labels = b.input('labels', [null, zs[1]])
  const emit = (op: string, inputs: string[], attributes: Record<string, AttributeValue>, shape: number[]) =>
    b.nodeWithShapes(op, inputs, attributes, [shape])[0]
  const logProbabilities = emit('LogSoftmax', [logits], { axis: 1 }, zs)
  const axis = b.constant(constTensor('int', [1], [1]))
  const picked = emit('ReduceSum', [emit('Mul', [logProbabilities, labels], {}, zs), axis], { keepdims: 0 }, [zs[0]])
  const loss = emit('Neg', [picked], {}, [zs[0]])
  // softmax − onehot with the true class's entry written as −Σ_{j≠y} p_j: exact for confident
  // predictions, where p_y − 1 rounds to 0 (the same seed as TF.js's crossEntropySeed).
  const one = b.constant(constTensor('float', [1], [1]))
  const others = emit('Mul', [emit('Exp', [logProbabilities], {}, zs), emit('Sub', [one, labels], {}, zs)], {}, zs)
  const total = emit('ReduceSum', [others, axis], { keepdims: 1 }, [zs[0], 1])
  const seed = emit('Sub', [others, emit('Mul', [labels, total], {}, zs)], {}, zs)
  const grad = backpropagate(b, forward, input, logits, seed)
  return { labels, loss: b.output(loss, 'loss'), grad: b.output(grad, 'grad') }
}

export interface VectorJacobianOutputs {
  /** Weights of the logits [batch, classes]. */
  cotangent: string
  /** d(Σ cotangent · logits)/d(input), in the input's layout. */
  grad: string
}

/**
 * Extends a forward graph with ∇ₓ Σᵢ ⟨cᵢ, zᵢ(x)⟩ for a given cotangent c: the vector-Jacobian
 * product that every loss computed from the logits outside the graph (DeepFool's class
 * differences, C&W's margin) reduces to.
 */
export function appendVectorJacobianProduct(b: OnnxGraphBuilder, input: string, logits: string): VectorJacobianOutputs {
  const forward = [...b.nodes]
  const cotangent = b.input('cotangent', [null, b.shape(logits)[1]])
  const grad = backpropagate(b, forward, input, logits, cotangent)
  return { cotangent, grad: b.output(grad, 'grad') }
}

/** Reverse-mode differentiation of the `forward` nodes, from d(loss)/d(logits) = `seed` back to the input. */
function backpropagate(b: OnnxGraphBuilder, forward: OnnxNode[], input: string, logits: string, seed: string): string {
  const dependsOnInput = new Set([input])
  for (const node of forward) if (node.inputs.some((i) => dependsOnInput.has(i))) node.outputs.forEach((o) => dependsOnInput.add(o))
  const emit = (op: string, inputs: string[], attributes: Record<string, AttributeValue>, shape: number[]) =>
    b.nodeWithShapes(op, inputs, attributes, [shape])[0]
  const ints = (values: number[]) => b.constant(constTensor('int', [values.length], values))
  const scalarOf = (v: number) => b.floatScalar(v)
  const shape = (name: string) => b.shape(name)

  const consumers = new Map<string, OnnxNode[]>()
  for (const node of forward) for (const i of node.inputs) consumers.set(i, [...(consumers.get(i) ?? []), node])
  const fusedRelus = new Set<OnnxNode>()
  const fusedPools = new Set<OnnxNode>()
  for (const node of forward) {
    const users = consumers.get(node.outputs[0]) ?? []
    if (node.op === 'Relu' && users.length === 1 && users[0].op === 'MaxPool' && node.outputs[0] !== logits) {
      fusedRelus.add(node)
      fusedPools.add(users[0])
    }
  }

  const grads = new Map<string, string>([[logits, seed]])

  for (const node of [...forward].reverse()) {
    const dy = node.outputs.map((o) => grads.get(o))
    if (dy.every((g) => g === undefined) || !node.inputs.some((i) => dependsOnInput.has(i))) continue
    const rule = RULES[node.op]
    if (!rule) throw noGradient(node, 'no gradient rule')
    const context: RuleContext = {
      node,
      params: b.paramsOf(node),
      dy,
      needs: (i) => node.inputs[i] !== '' && dependsOnInput.has(node.inputs[i]),
      shape,
      emit,
      emitMany: (op, inputs, attributes, shapes) => b.nodeWithShapes(op, inputs, attributes, shapes),
      ints,
      scalar: scalarOf,
      floats: (values, dims) => b.floatConstant(values, dims),
      constantOf: (name) => b.constantValue(name)?.values,
      gateOnOutput: fusedRelus.has(node) || fusedPools.has(node),
    }
    const dx = rule(context)
    node.inputs.forEach((name, i) => {
      const g = dx[i]
      if (!g || !dependsOnInput.has(name)) return
      const previous = grads.get(name)
      grads.set(name, previous ? emit('Add', [previous, g], {}, shape(name)) : g)
    })
  }
  const grad = grads.get(input)
  if (!grad) throw new LabError('ORT_NO_GRADIENT', 'The model output does not depend on its input, so it has no input gradient.')
  return grad
}
