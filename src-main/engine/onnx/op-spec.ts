import type * as tf from '@tensorflow/tfjs-core'
import { LabError } from '../base/errors'
import type { ConstTensor } from './const-tensor'
import type { AttributeValue, OnnxNode } from './graph'
import type { Tag } from './layout'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
/** An op's parameters in one canonical form, whatever opset the file used (attributes or inputs). */
export type Params = { [key: string]: Json }

/** What is known about one input while a model is planned (at one concrete batch size). */
export interface PlanValue {
  shape: number[]
  /** The values, when they are known at load time (initializers, constants, folded shape maths). */
  constant?: ConstTensor
}

/** Reads a node's attributes and load-time inputs while it is put into canonical form. */
export class NodeReader {
  constructor(
    readonly node: OnnxNode,
    readonly opset: number,
    readonly inputs: (PlanValue | undefined)[],
    /** The batch size the model is planned at, and the one its file fixes (if it fixes one). */
    readonly batch = 1,
    readonly fixedBatch?: number,
  ) {}

  /** A LabError for a variant of a supported op that HFC Lab cannot run. */
  unsupported(what: string): LabError {
    return new LabError(
      'MODEL_UNSUPPORTED_OP',
      `Node '${this.node.name}' (${this.node.op}) ${what}, which HFC Lab cannot run. Export the model with a standard form of this operator (e.g. torch.onnx.export with opset 13), or replace it in the model.`,
    )
  }

  has(name: string): boolean {
    return this.node.attributes[name] !== undefined
  }

  private raw(name: string): AttributeValue | undefined {
    return this.node.attributes[name]
  }

  int(name: string, fallback: number): number {
    const v = this.raw(name)
    if (v === undefined) return fallback
    if (typeof v !== 'number') throw this.unsupported(`has a non-numeric attribute '${name}'`)
    return v
  }

  float(name: string, fallback: number): number {
    return this.int(name, fallback)
  }

  ints(name: string, fallback: number[]): number[]
  ints(name: string, fallback: undefined): number[] | undefined
  ints(name: string, fallback: number[] | undefined): number[] | undefined {
    const v = this.raw(name)
    if (v === undefined) return fallback
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw this.unsupported(`has a non-numeric list attribute '${name}'`)
    return v as number[]
  }

  string(name: string, fallback: string): string {
    const v = this.raw(name)
    if (v === undefined) return fallback
    if (typeof v !== 'string') throw this.unsupported(`has a non-text attribute '${name}'`)
    return v
  }

  tensor(name: string): ConstTensor | undefined {
    const v = this.raw(name)
    if (v === undefined) return undefined
    if (typeof v !== 'object' || Array.isArray(v) || !('values' in v)) throw this.unsupported(`has a non-tensor attribute '${name}'`)
    return v
  }

  present(i: number): boolean {
    return this.inputs[i] !== undefined
  }

  shape(i: number): number[] {
    const v = this.inputs[i]
    if (!v) throw this.unsupported(`lacks its input ${i + 1}`)
    return v.shape
  }

  /** A load-time input's values as numbers (axes, pads, shapes...), or undefined when omitted. */
  constantNumbers(i: number): number[] | undefined {
    const v = this.inputs[i]
    if (!v) return undefined
    if (!v.constant) throw this.unsupported(`computes its input ${i + 1} ('${this.node.inputs[i]}') at run time from data`)
    return Array.from(v.constant.values)
  }
}

/**
 * One ONNX operator: how to read it into canonical parameters, how to run it with TF.js ops
 * (differentiable), and how to write it back as ONNX (opset EXPORT_OPSET).
 */
export interface OpSpec {
  /** Input slots read at load time into the parameters (shapes, axes, pads); never tensors. */
  paramInputs?: readonly number[]
  /**
   * 'spatial': wants input 0 as NHWC (convolutions, pools, batch norm); 'follow': element-wise or
   * axis ops that run in whatever layout their inputs come in; 'plain': wants ONNX layout.
   */
  layout: 'spatial' | 'follow' | 'plain'
  canonical(reader: NodeReader): Params
  /**
   * Runs the op. `inputs` is aligned with the node's inputs (param slots and omitted inputs are
   * undefined); in 'spatial' layout input 0 is NHWC and the others keep their ONNX layout; in
   * 'follow' layout every input is already in `tag`. Returns one tensor per node output, in `tag`.
   */
  run(inputs: (tf.Tensor | undefined)[], params: Params, tag: Tag): tf.Tensor[]
  /**
   * The output shapes (ONNX layout) from the input shapes, for ops costly enough that planning
   * should not run them: a model is planned twice on zeros, and only shapes flow along the data path.
   */
  outputShapes?(inputs: (number[] | undefined)[], params: Params): number[][]
  /**
   * Load-time evaluation for ops whose result is known without running data (Shape, Constant...);
   * undefined when it is not (other ops are folded by running them when all inputs are constant).
   */
  fold?(reader: NodeReader, params: Params): ConstTensor[] | undefined
  /**
   * When running the op is only a relabelling of the layout (a Transpose between NCHW and NHWC),
   * the output tag that makes it free; undefined when data must move.
   */
  relabel?(params: Params, inputTag: Tag): Tag | undefined
  /** Writes the op as ONNX nodes; `inputs` aligned like run's (param slots ''). Returns output names. */
  emit(b: OnnxEmitter, inputs: string[], params: Params, outputs: number): string[]
}

/** The part of the ONNX graph builder that ops write through. */
export interface OnnxEmitter {
  node(op: string, inputs: string[], attributes?: Record<string, AttributeValue>, outputs?: number): string[]
  /** A 1-D int64 initializer; entries may depend linearly on the batch size of `batchOf`. */
  ints(values: Json[], batchOf?: string): string
  constant(t: ConstTensor): string
}
