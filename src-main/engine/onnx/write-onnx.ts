import { DataType, type ConstTensor } from './const-tensor'
import type { AttributeValue } from './graph'
import type { GraphValue, OnnxGraphBuilder } from './graph-builder'
import { EXPORT_OPSET } from './graph-builder'
import { encodeModelProto, type AttributeProto, type ValueInfoProto } from './onnx-proto'
import { toTensorProto } from './tensor-data'

/**
 * Attributes of the ops HFC Lab writes that are FLOAT in the ONNX spec; every other numeric
 * attribute it writes is an INT or INTS.
 */
const FLOAT_ATTRIBUTES = new Set(['alpha', 'beta', 'gamma', 'epsilon', 'bias', 'momentum'])
const utf8 = new TextEncoder()

function isConst(v: AttributeValue): v is ConstTensor {
  return typeof v === 'object' && !Array.isArray(v) && 'values' in v
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') return FLOAT_ATTRIBUTES.has(name) ? { name, type: 1, f: value } : { name, type: 2, i: value }
  if (typeof value === 'string') return { name, type: 3, s: utf8.encode(value) }
  if (isConst(value)) return { name, type: 4, t: toTensorProto('', value) }
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    return FLOAT_ATTRIBUTES.has(name) ? { name, type: 6, floats: value as number[] } : { name, type: 7, ints: value as number[] }
  }
  if (Array.isArray(value)) return { name, type: 8, strings: (value as string[]).map((s) => utf8.encode(s)) }
  throw new Error(`internal error: attribute ${name} cannot be written`)
}

function valueInfo(v: GraphValue): ValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: { elemType: DataType.FLOAT, shape: { dim: v.dims.map((d) => (d === null ? { dimParam: 'batch' } : { dimValue: d })) } },
    },
  }
}

export interface WriteOptions {
  graphName?: string
  /** metadata_props of the model. */
  metadata?: Record<string, string>
}

/** Serialises a built graph as an ONNX model (IR version 8, ai.onnx opset EXPORT_OPSET). */
export function writeOnnx(b: OnnxGraphBuilder, options: WriteOptions = {}): Uint8Array {
  return encodeModelProto({
    irVersion: 8,
    opsetImport: [{ domain: '', version: EXPORT_OPSET }],
    producerName: 'HFC Lab',
    producerVersion: '1',
    graph: {
      name: options.graphName ?? 'hfc_lab',
      node: b.nodes.map((n) => ({
        name: n.name,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes).map(([k, v]) => attribute(k, v)),
      })),
      initializer: [...b.initializers].map(([name, t]) => toTensorProto(name, t)),
      input: b.inputs.map(valueInfo),
      output: b.outputs.map(valueInfo),
    },
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  })
}
