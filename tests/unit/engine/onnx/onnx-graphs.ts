import { constTensor, DataType, type ConstTensor } from '../../../../src-main/engine/onnx/const-tensor'
import { encodeModelProto, type AttributeProto, type NodeProto } from '../../../../src-main/engine/onnx/onnx-proto'
import { toTensorProto } from '../../../../src-main/engine/onnx/tensor-data'

/** A node for hand-built test graphs: attributes typed explicitly, as the ONNX file stores them. */
export interface TestNode {
  op: string
  inputs: string[]
  outputs: string[]
  ints?: Record<string, number | number[]>
  floats?: Record<string, number>
  strings?: Record<string, string>
}

export interface TestGraph {
  opset: number
  nodes: TestNode[]
  initializers?: Record<string, ConstTensor>
  input: { name: string; dims: (number | string)[] }
  output: string
}

function attributes(n: TestNode): AttributeProto[] {
  const out: AttributeProto[] = []
  for (const [name, v] of Object.entries(n.ints ?? {})) out.push(Array.isArray(v) ? { name, type: 7, ints: v } : { name, type: 2, i: v })
  for (const [name, v] of Object.entries(n.floats ?? {})) out.push({ name, type: 1, f: v })
  for (const [name, v] of Object.entries(n.strings ?? {})) out.push({ name, type: 3, s: new TextEncoder().encode(v) })
  return out
}

/** ONNX model bytes of a hand-written graph (float input and output). */
export function graphBytes(g: TestGraph): Uint8Array {
  const node: NodeProto[] = g.nodes.map((n, i) => ({
    name: `${n.op}_${i}`,
    opType: n.op,
    input: n.inputs,
    output: n.outputs,
    attribute: attributes(n),
  }))
  const dim = (d: number | string) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })
  return encodeModelProto({
    irVersion: 7,
    opsetImport: [{ domain: '', version: g.opset }],
    producerName: 'hfc-lab-tests',
    graph: {
      name: 'test',
      node,
      initializer: Object.entries(g.initializers ?? {}).map(([name, t]) => toTensorProto(name, t)),
      input: [{ name: g.input.name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: g.input.dims.map(dim) } } } }],
      output: [{ name: g.output, type: { tensorType: { elemType: DataType.FLOAT } } }],
    },
  })
}

/** Deterministic pseudo-random floats in [-scale, scale] (a small LCG, so fixtures need no files). */
export function seededFloats(count: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(count)
  let s = seed >>> 0
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale
  }
  return out
}

export function floats(dims: number[], seed: number, scale = 0.5): ConstTensor {
  return constTensor(
    'float',
    dims,
    seededFloats(
      dims.reduce((a, b) => a * b, 1),
      seed,
      scale,
    ),
  )
}

export function ints(values: number[]): ConstTensor {
  return constTensor('int', [values.length], values)
}
