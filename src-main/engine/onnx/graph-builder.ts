import * as tf from '@tensorflow/tfjs-core'
import { applyOp, constToTensor, tensorToConst } from './apply-op'
import { isBatchLinear } from './batch-params'
import { constTensor, scalar, type ConstTensor } from './const-tensor'
import type { AttributeValue, OnnxNode } from './graph'
import { NodeReader, type Json, type OnnxEmitter, type Params } from './op-spec'
import { ONNX_OPS } from './ops'

/** The ai.onnx opset of every graph HFC Lab writes (ScatterElements with reduction needs 16+). */
export const EXPORT_OPSET = 17

/**
 * Batch size the builder evaluates each new node at, to know every tensor's shape. Not 1, so that
 * broadcasting over the batch axis stays visible to the gradient builder.
 */
export const PROBE_BATCH = 2

interface BuiltValue {
  shape: number[]
  tensor?: tf.Tensor
  constant?: ConstTensor
  /** Computed from the input, so axis 0 is the batch. */
  batched: boolean
}

export interface GraphValue {
  name: string
  /** Dimensions; null marks the batch axis. */
  dims: (number | null)[]
}

/**
 * Writes an ONNX graph node by node. Each node added through node() is also run on a probe batch
 * of zeros (with the same op implementations the importer uses), which gives every tensor a known
 * shape and checks the graph as it is built; ops with an output-shape rule (convolutions) are not run.
 */
export class OnnxGraphBuilder implements OnnxEmitter {
  readonly nodes: OnnxNode[] = []
  readonly initializers = new Map<string, ConstTensor>()
  readonly inputs: GraphValue[] = []
  readonly outputs: GraphValue[] = []
  private readonly values = new Map<string, BuiltValue>()
  private readonly nodeParams = new Map<OnnxNode, Params>()
  private counter = 0

  private fresh(prefix: string): string {
    let name: string
    do name = `${prefix}_${this.counter++}`
    while (this.values.has(name))
    return name
  }

  /** A graph input; `dims` uses null for the batch axis. */
  input(name: string, dims: (number | null)[]): string {
    const shape = dims.map((d) => d ?? PROBE_BATCH)
    this.values.set(name, { shape, batched: true })
    this.inputs.push({ name, dims })
    return name
  }

  /** Makes `name` a graph output called `as` (through an Identity when the names differ). */
  output(name: string, as: string): string {
    if (name !== as) {
      const node: OnnxNode = { op: 'Identity', domain: '', name: as, inputs: [name], outputs: [as], attributes: {} }
      this.nodes.push(node)
      this.nodeParams.set(node, { outputs: 1 })
      const v = this.values.get(name)
      if (!v) throw new Error(`internal error: no value ${name}`)
      this.values.set(as, { shape: v.shape, batched: v.batched })
    }
    this.outputs.push({ name: as, dims: this.dims(as) })
    return as
  }

  shape(name: string): number[] {
    const v = this.values.get(name)
    if (!v) throw new Error(`internal error: no value ${name}`)
    return v.shape
  }

  /** The shape with the batch axis as null (axis 0 of every tensor computed from the input). */
  dims(name: string): (number | null)[] {
    const batched = this.values.get(name)?.batched
    return this.shape(name).map((d, i) => (i === 0 && batched ? null : d))
  }

  constant(t: ConstTensor): string {
    const name = this.fresh('const')
    this.initializers.set(name, t)
    this.values.set(name, { shape: t.dims, constant: t, batched: false })
    return name
  }

  floatConstant(values: ArrayLike<number>, dims: number[]): string {
    return this.constant(constTensor('float', dims, values))
  }

  ints(values: Json[], batchOf?: string): string {
    if (!values.some(isBatchLinear)) return this.constant(constTensor('int', [values.length], values as number[]))
    if (!batchOf) throw new Error('internal error: batch-dependent ints need a tensor to read the batch from')
    const shape = this.node('Shape', [batchOf])[0]
    const parts = values.map((v) => {
      if (!isBatchLinear(v)) return this.constant(constTensor('int', [1], [v as number]))
      const size = this.node('Gather', [shape, this.constant(constTensor('int', [1], [v.axis ?? 0]))], { axis: 0 })[0]
      const batch =
        (v.perSample ?? 1) === 1 ? size : this.node('Div', [size, this.constant(constTensor('int', [1], [v.perSample ?? 1]))])[0]
      const scaled = v.perBatch === 1 ? batch : this.node('Mul', [batch, this.constant(constTensor('int', [1], [v.perBatch]))])[0]
      return v.offset === 0 ? scaled : this.node('Add', [scaled, this.constant(constTensor('int', [1], [v.offset]))])[0]
    })
    return this.node('Concat', parts, { axis: 0 })[0]
  }

  /** Adds a node and runs it on the probe batch to learn its output shapes. */
  node(op: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputs = 1, name?: string): string[] {
    const names = Array.from({ length: outputs }, (_, k) => (k === 0 && name ? name : this.fresh(op)))
    const node: OnnxNode = { op, domain: '', name: names[0], inputs, outputs: names, attributes }
    const spec = ONNX_OPS[op]
    if (!spec) throw new Error(`internal error: the builder cannot run ${op}; give its output shapes`)
    const values = inputs.map((i) => (i === '' ? undefined : this.values.get(i)))
    const reader = new NodeReader(node, EXPORT_OPSET, values, PROBE_BATCH)
    const params = spec.canonical(reader)
    this.nodeParams.set(node, params)
    const folded = spec.fold?.(reader, params)
    const operands = values.map((v, i) => (spec.paramInputs?.includes(i) || !v ? undefined : v))
    // Results of constants only (shape arithmetic) stay constants, so later nodes can read them.
    const constant = operands.every((v) => !v || v.constant)
    if (folded) {
      folded.forEach((c, k) => this.values.set(names[k], { shape: c.dims, constant: c, batched: false }))
    } else if (!constant && spec.outputShapes) {
      const shapes = spec.outputShapes(
        operands.map((v) => v?.shape),
        params,
      )
      shapes.forEach((shape, k) => this.values.set(names[k], { shape, batched: true }))
    } else {
      // Data values are zeros: only their shapes matter, so they are made when an op must run.
      const tensors = operands.map((v) => (v?.constant ? constToTensor(v.constant) : v ? (v.tensor ??= tf.zeros(v.shape)) : undefined))
      const results = applyOp(spec, params, tensors)
      tf.dispose(tensors.filter((t, i): t is tf.Tensor => t !== undefined && !!operands[i]?.constant))
      results.forEach((t, k) => {
        if (k < names.length) {
          this.values.set(
            names[k],
            constant ? { shape: t.shape, constant: tensorToConst(t), batched: false } : { shape: t.shape, tensor: t, batched: true },
          )
        }
        if (constant || k >= names.length) t.dispose()
      })
    }
    this.nodes.push(node)
    return names
  }

  /** Adds a node the builder does not run (gradient-only ops); the caller gives its output shapes. */
  nodeWithShapes(op: string, inputs: string[], attributes: Record<string, AttributeValue>, shapes: number[][]): string[] {
    const names = shapes.map(() => this.fresh(op))
    this.nodes.push({ op, domain: '', name: names[0], inputs, outputs: names, attributes })
    shapes.forEach((shape, k) => this.values.set(names[k], { shape, batched: true }))
    return names
  }

  /** The canonical parameters of a node added through node(). */
  paramsOf(node: OnnxNode): Params {
    const p = this.nodeParams.get(node)
    if (!p) throw new Error(`internal error: node ${node.name} has no parameters`)
    return p
  }

  /** Whether a value is an initializer (its gradient is never needed: weights are frozen). */
  isConstant(name: string): boolean {
    return this.values.get(name)?.constant !== undefined
  }

  constantValue(name: string): ConstTensor | undefined {
    return this.values.get(name)?.constant
  }

  floatScalar(value: number): string {
    return this.constant(scalar('float', value))
  }

  /** Frees the probe tensors; the graph itself stays. */
  dispose(): void {
    for (const v of this.values.values()) v.tensor?.dispose()
  }
}
