import { basename } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { LabError } from '../base/errors'
import { applyOp, constToTensor, tensorToConst } from './apply-op'
import { mergeBatchParams, withBatchAxis } from './batch-params'
import { constTensor, elementCount, sameConst, type ConstTensor } from './const-tensor'
import type { OnnxNode } from './graph'
import { NodeReader, type OpSpec, type Params, type PlanValue } from './op-spec'
import { ONNX_OPS } from './ops'
import type { PreparedGraph } from './prepare-graph'

/** How a planned node gets one of its ONNX inputs. */
export type Slot =
  | { kind: 'absent' }
  /** Read at load time into the node's parameters. */
  | { kind: 'param' }
  /** Computed from the image at run time. */
  | { kind: 'tensor'; name: string }
  /** A load-time float tensor (weights, biases, constants): trainable and replaceable (D2). */
  | { kind: 'weight'; name: string }
  /** A load-time integer or boolean tensor. */
  | { kind: 'const'; value: ConstTensor }

export interface PlannedNode {
  node: OnnxNode
  spec: OpSpec
  /** Canonical parameters; numbers that depend on the batch size are BatchLinear. */
  params: Params
  slots: Slot[]
  /** ONNX shapes of the outputs; null marks a dimension that follows the batch size. */
  outputShapes: (number | null)[][]
}

/** A model reduced to the nodes that run on data, with everything else folded at load time. */
export interface ModelPlan {
  input: PreparedGraph['input']
  nodes: PlannedNode[]
  weights: Map<string, ConstTensor>
  output: string
  outputShape: (number | null)[]
  opset: number
}

/**
 * A value while a model is traced: a load-time constant, or data, which carries a tensor of zeros
 * when an op was run to get it and only its shape when the op that made it has an output-shape rule.
 */
interface Traced extends PlanValue {
  tensor?: tf.Tensor
}

interface NodeTrace {
  folded: boolean
  params: Params
}

/**
 * Operators that exporters write only from some opset on, and decompose into supported ops below it:
 * the export setting that avoids each (torch.onnx.export's opset_version).
 */
const AVOIDED_BY_OPSET: Readonly<Record<string, string>> = {
  GroupNormalization:
    'export with opset 17 or lower (torch.onnx.export(..., opset_version=17)) so that group norm decomposes into InstanceNormalization, Reshape, Mul and Add',
  Mish: 'export with opset 17 or lower (torch.onnx.export(..., opset_version=17)) so that Mish decomposes into Softplus, Tanh and Mul',
  RMSNormalization: 'export with opset 22 or lower so that RMS norm decomposes into Pow, ReduceMean, Sqrt and Div',
}

function unsupportedOp(node: OnnxNode, source: string): LabError {
  const known = Object.keys(ONNX_OPS).sort().join(', ')
  const where = node.domain && node.domain !== 'ai.onnx' ? ` of the '${node.domain}' domain` : ''
  const avoid = where === '' && AVOIDED_BY_OPSET[node.op] ? ` To avoid it, ${AVOIDED_BY_OPSET[node.op]}.` : ''
  return new LabError(
    'MODEL_UNSUPPORTED_OP',
    `${source}: node '${node.name}' uses the operator ${node.op}${where}, which HFC Lab cannot convert.${avoid} Replace it in the model (or export without it, e.g. rewrite the layer with standard ops) and export again. Supported operators: ${known}.`,
    node.op,
  )
}

/** The tensor of a data value, zeros of its shape when the trace carried only the shape. */
function dataTensor(v: Traced): tf.Tensor {
  v.tensor ??= tf.zeros(v.shape)
  return v.tensor
}

/**
 * Runs the graph once at batch size `batch` on zeros, folding what is known at load time. Data
 * values matter only through their shapes (nothing folds from data), so ops with an output-shape
 * rule (convolutions) are not run.
 */
function trace(prepared: PreparedGraph, batch: number, source: string): { values: Map<string, Traced>; nodes: NodeTrace[] } {
  const { graph, input } = prepared
  const values = new Map<string, Traced>()
  for (const [name, c] of graph.initializers) values.set(name, { shape: c.dims, constant: c })
  const dims = [batch, ...input.dims.slice(1)]
  values.set(input.name, { shape: dims })
  const traces: NodeTrace[] = []
  try {
    for (const node of graph.nodes) {
      const spec = node.domain === '' || node.domain === 'ai.onnx' ? ONNX_OPS[node.op] : undefined
      if (!spec) throw unsupportedOp(node, source)
      const inputs = node.inputs.map((n) => (n === '' ? undefined : values.get(n)))
      const reader = new NodeReader(node, graph.opset, inputs, batch, prepared.fixedBatch)
      const params = spec.canonical(reader)
      const operands = inputs.map((v, i) => (spec.paramInputs?.includes(i) ? undefined : v))
      let folded = spec.fold?.(reader, params)
      const allConstant = operands.every((v) => v === undefined || v.constant)
      let outputs: tf.Tensor[] | undefined
      let shapes: number[][] | undefined
      if (!folded && !allConstant && spec.outputShapes) {
        shapes = spec.outputShapes(
          operands.map((v) => v?.shape),
          params,
        )
      } else if (!folded && allConstant) {
        const tensors = operands.map((v) => (v?.constant ? constToTensor(v.constant) : undefined))
        const results = applyOp(spec, params, tensors)
        folded = results.map(tensorToConst)
        tf.dispose([...tensors.filter((t): t is tf.Tensor => t !== undefined), ...results])
      } else if (!folded) {
        const tensors = operands.map((v) => (v?.constant ? constToTensor(v.constant) : v ? dataTensor(v) : undefined))
        try {
          outputs = applyOp(spec, params, tensors)
        } finally {
          tf.dispose(tensors.filter((t, i): t is tf.Tensor => t !== undefined && !!operands[i]?.constant))
        }
      }
      node.outputs.forEach((name, k) => {
        if (name === '') return
        if (folded) values.set(name, { shape: folded[k].dims, constant: folded[k] })
        else if (shapes?.[k]) values.set(name, { shape: shapes[k] })
        else if (outputs?.[k]) values.set(name, { shape: outputs[k].shape, tensor: outputs[k] })
      })
      traces.push({ folded: folded !== undefined, params })
    }
    return { values, nodes: traces }
  } catch (e) {
    for (const v of values.values()) v.tensor?.dispose()
    if (e instanceof LabError) throw e
    throw new LabError(
      'MODEL_ONNX_INVALID',
      `${source}: the model cannot run on a ${dims.join('x')} input (${(e as Error).message}). Check its input size, or export it again.`,
    )
  }
}

function mergeShape(a: number[], b: number[]): (number | null)[] {
  return a.map((d, i) => (d === b[i] ? d : null))
}

/**
 * Where a node's first data input carries the batch: the first axis whose size is proportional to
 * the batch size in both traces, and its size per sample (axis 0 and 1 when none is).
 */
function batchAxis(node: OnnxNode, one: Map<string, Traced>, two: Map<string, Traced>, b1: number, b2: number): [number, number] {
  const name = node.inputs.find((i) => i !== '' && one.has(i) && !one.get(i)?.constant)
  const [s1, s2] = name ? [one.get(name)?.shape ?? [], two.get(name)?.shape ?? []] : [[], []]
  const axis = s1.findIndex((d, i) => d !== s2[i] && d * b2 === s2[i] * b1)
  return axis < 0 ? [0, 1] : [axis, s1[axis] / b1]
}

/** The single row of a float value that is that row repeated b1 times in one trace and b2 times in the other. */
function repeatedRow(one: ConstTensor, two: ConstTensor, b1: number, b2: number): ConstTensor | undefined {
  const rest = one.dims.slice(1)
  if (one.kind !== 'float' || two.kind !== 'float' || one.dims[0] !== b1 || two.dims[0] !== b2) return undefined
  if (!rest.every((d, i) => d === two.dims[i + 1])) return undefined
  const size = elementCount(rest)
  const repeats = (c: ConstTensor) => c.values.every((v, i) => v === one.values[i % size])
  if (!repeats(one) || !repeats(two)) return undefined
  return constTensor('float', [1, ...rest], Array.from(one.values).slice(0, size))
}

/** The nodes the output depends on, in order (dead branches of the file are dropped). */
function usedNodes(nodes: PlannedNode[], output: string): PlannedNode[] {
  const needed = new Set([output])
  const kept: PlannedNode[] = []
  for (const n of [...nodes].reverse()) {
    if (!n.node.outputs.some((o) => needed.has(o))) continue
    kept.push(n)
    for (const s of n.slots) if (s.kind === 'tensor') needed.add(s.name)
  }
  return kept.reverse()
}

/**
 * Plans a prepared graph at two batch sizes and keeps what differs between them symbolic: nodes
 * whose results are known at load time are folded away (Shape/Gather/Concat chains, constants),
 * the rest keep canonical parameters that may depend linearly on the batch size.
 */
export function planModel(prepared: PreparedGraph, source: string): ModelPlan {
  const name = basename(source)
  const fixed = prepared.fixedBatch
  const [b1, b2] = fixed === undefined ? [1, 2] : [fixed + 1, fixed + 2]
  const one = trace(prepared, b1, name)
  let two: ReturnType<typeof trace>
  try {
    two = trace(prepared, b2, name)
  } catch (e) {
    for (const v of one.values.values()) v.tensor?.dispose()
    throw e
  }
  try {
    const nodes: PlannedNode[] = []
    const weights = new Map<string, ConstTensor>()
    const { graph } = prepared
    graph.nodes.forEach((node, index) => {
      const [t1, t2] = [one.nodes[index], two.nodes[index]]
      const spec = ONNX_OPS[node.op]
      const batchBound = new LabError(
        'MODEL_UNSUPPORTED_OP',
        `${name}: node '${node.name}' (${node.op}) computes its structure from the batch size in a way HFC Lab cannot follow. Export the model with a dynamic batch axis and plain reshapes (x.view(x.size(0), -1) or torch.flatten).`,
      )
      if (t1.folded !== t2.folded) throw batchBound
      if (t1.folded) return
      const merged = mergeBatchParams(t1.params, t2.params, b1, b2)
      if (!merged) throw batchBound
      const params = withBatchAxis(merged, ...batchAxis(node, one.values, two.values, b1, b2))
      const batchRows: number[] = []
      const slots: Slot[] = node.inputs.map((input, i) => {
        if (input === '') return { kind: 'absent' }
        if (spec.paramInputs?.includes(i)) return { kind: 'param' }
        const [v1, v2] = [one.values.get(input), two.values.get(input)]
        if (!v1?.constant) return { kind: 'tensor', name: input }
        if (!v2?.constant || !sameConst(v1.constant, v2.constant)) {
          // A load-time row repeated over the batch (a ViT's class token, cls_token.expand(N, -1, -1))
          // joined to the data: kept as one row, which Concat broadcasts to the data's batch.
          const row = node.op === 'Concat' && v2?.constant ? repeatedRow(v1.constant, v2.constant, b1, b2) : undefined
          if (!row) throw batchBound
          weights.set(input, row)
          batchRows.push(i)
          return { kind: 'weight', name: input }
        }
        if (v1.constant.kind !== 'float') return { kind: 'const', value: v1.constant }
        weights.set(input, v1.constant)
        return { kind: 'weight', name: input }
      })
      const outputShapes = node.outputs.map((o) => {
        const [v1, v2] = [one.values.get(o), two.values.get(o)]
        return v1 && v2 ? mergeShape(v1.shape, v2.shape) : []
      })
      nodes.push({ node, spec, params: batchRows.length > 0 ? { ...params, batchRows } : params, slots, outputShapes })
    })
    const out1 = one.values.get(prepared.output)
    const out2 = two.values.get(prepared.output)
    if (!out1 || out1.constant || !out2 || out2.constant) {
      throw new LabError(
        'MODEL_NOT_IMAGE_CLASSIFIER',
        `${name}: its output '${prepared.output}' does not depend on the input image, so it is not a classifier HFC Lab can study.`,
      )
    }
    const used = usedNodes(nodes, prepared.output)
    const usedWeights = new Set(used.flatMap((n) => n.slots.flatMap((s) => (s.kind === 'weight' ? [s.name] : []))))
    for (const w of [...weights.keys()]) if (!usedWeights.has(w)) weights.delete(w)
    return {
      input: prepared.input,
      nodes: used,
      weights,
      output: prepared.output,
      outputShape: mergeShape(out1.shape, out2.shape),
      opset: graph.opset,
    }
  } finally {
    for (const v of one.values.values()) v.tensor?.dispose()
    for (const v of two.values.values()) v.tensor?.dispose()
  }
}
