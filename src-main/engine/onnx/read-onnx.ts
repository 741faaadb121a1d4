import { readFileSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { LabError } from '../base/errors'
import { readFolderFile } from '../models/folder-file'
import type { ConstTensor } from './const-tensor'
import type { AttributeValue, OnnxGraph, OnnxNode, ValueInfo } from './graph'
import { decodeModelProto, type AttributeProto, type ModelProto, type ValueInfoProto } from './onnx-proto'
import { readTensorProto, TensorDataError } from './tensor-data'

/** The ONNX file and every external data file it was read from. */
export interface OnnxFile {
  graph: OnnxGraph
  files: { path: string; bytes: Uint8Array }[]
}

const utf8 = new TextDecoder()

function attributeValue(a: AttributeProto, readTensor: (t: NonNullable<AttributeProto['t']>) => ConstTensor): AttributeValue {
  // AttributeProto.type: FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7, STRINGS 8, TENSORS 9, GRAPHS 10.
  switch (a.type) {
    case 1:
      return a.f ?? 0
    case 2:
      return Number(a.i ?? 0)
    case 3:
      return utf8.decode(a.s ?? new Uint8Array())
    case 4:
      return readTensor(a.t ?? {})
    case 6:
      return (a.floats ?? []).map(Number)
    case 7:
      return (a.ints ?? []).map(Number)
    case 8:
      return (a.strings ?? []).map((s) => utf8.decode(s))
    case 5:
    case 10:
      return { subgraph: true }
    default:
      throw new LabError('MODEL_ONNX_CORRUPT', `The attribute '${a.name}' has type ${a.type}, which HFC Lab does not read.`)
  }
}

function valueInfo(v: ValueInfoProto): ValueInfo {
  const tensorType = v.type?.tensorType
  return {
    name: v.name ?? '',
    elemType: tensorType?.elemType ?? 0,
    dims: (tensorType?.shape?.dim ?? []).map((d) =>
      d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : '?',
    ),
  }
}

/** Orders nodes so that each comes after the producers of its inputs (files should already be). */
function topologicalOrder(nodes: OnnxNode[], available: Set<string>, source: string): OnnxNode[] {
  const ordered: OnnxNode[] = []
  const have = new Set(available)
  let pending = nodes
  while (pending.length > 0) {
    const next: OnnxNode[] = []
    for (const node of pending) {
      if (node.inputs.every((i) => i === '' || have.has(i))) {
        ordered.push(node)
        node.outputs.forEach((o) => have.add(o))
      } else {
        next.push(node)
      }
    }
    if (next.length === pending.length) {
      const node = next[0]
      const missing = node.inputs.find((i) => i !== '' && !have.has(i) && !nodes.some((n) => n.outputs.includes(i)))
      if (missing !== undefined) {
        throw new LabError(
          'MODEL_ONNX_MISSING_TENSOR',
          `${source}: node '${node.name}' (${node.op}) reads '${missing}', which no node computes and no initializer holds. The file is incomplete (a weight is missing, or its external data file was not copied with it); export the model again.`,
        )
      }
      throw new LabError(
        'MODEL_ONNX_CORRUPT',
        `${source}: its graph has a cycle through node '${node.name}' (${node.op}); export the model again.`,
      )
    }
    pending = next
  }
  return ordered
}

/** Decodes ONNX model bytes into a graph; external data is read through `readExternal(location)`. */
export function parseOnnx(bytes: Uint8Array, source: string, readExternal: (location: string) => Uint8Array): OnnxGraph {
  const name = basename(source)
  let model: ModelProto
  try {
    model = decodeModelProto(bytes)
  } catch (e) {
    throw new LabError(
      'MODEL_ONNX_CORRUPT',
      `${name} is not a complete ONNX model (${(e as Error).message}). The file may be truncated or not an .onnx file; copy or export it again.`,
    )
  }
  const graph = model.graph
  const opsets = model.opsetImport ?? []
  const defaultOpset = opsets.find((o) => !o.domain || o.domain === 'ai.onnx')
  if (!graph || (graph.node ?? []).length === 0 || !defaultOpset) {
    throw new LabError(
      'MODEL_ONNX_CORRUPT',
      `${name} is not a complete ONNX model: it has ${!graph || !graph.node?.length ? 'no graph nodes' : 'no ai.onnx opset'}. The file may be truncated; copy or export it again.`,
    )
  }
  const readTensor =
    (what: string) =>
    (t: NonNullable<AttributeProto['t']>): ConstTensor => {
      try {
        return readTensorProto(t, (entries) => {
          const location = entries.location
          if (!location) throw new TensorDataError('it is stored externally but names no location')
          const data = readExternal(location)
          const offset = Number(entries.offset ?? 0)
          const length = entries.length !== undefined ? Number(entries.length) : data.length - offset
          if (offset + length > data.length) throw new TensorDataError(`its external file ${location} ends before byte ${offset + length}`)
          return data.subarray(offset, offset + length)
        })
      } catch (e) {
        if (e instanceof LabError) throw e
        throw new LabError('MODEL_ONNX_CORRUPT', `${name}: ${what} cannot be read: ${(e as Error).message}. Export the model again.`)
      }
    }
  const initializers = new Map<string, ConstTensor>()
  for (const t of graph.initializer ?? []) initializers.set(t.name ?? '', readTensor(`the initializer '${t.name}'`)(t))
  if ((graph.sparseInitializer ?? []).length > 0) {
    throw new LabError(
      'MODEL_UNSUPPORTED_OP',
      `${name} stores sparse initializers, which HFC Lab does not read. Export the model with dense weights.`,
    )
  }
  const nodes: OnnxNode[] = (graph.node ?? []).map((n, index) => {
    const op = n.opType ?? ''
    const nodeName = n.name || `${op}_${index}`
    const attributes: Record<string, AttributeValue> = {}
    for (const a of n.attribute ?? []) {
      if (a.refAttrName)
        throw new LabError(
          'MODEL_ONNX_CORRUPT',
          `${name}: node '${nodeName}' refers to a function attribute; HFC Lab reads plain graphs only.`,
        )
      attributes[a.name ?? ''] = attributeValue(a, readTensor(`attribute '${a.name}' of node '${nodeName}'`))
    }
    return { op, domain: n.domain ?? '', name: nodeName, inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attributes }
  })
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map(valueInfo)
  const available = new Set([...initializers.keys(), ...inputs.map((i) => i.name)])
  return {
    opset: Number(defaultOpset.version ?? 0),
    irVersion: Number(model.irVersion ?? 0),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    graphName: graph.name ?? '',
    nodes: topologicalOrder(nodes, available, name),
    initializers,
    inputs,
    outputs: (graph.output ?? []).map(valueInfo),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  }
}

/** Reads an .onnx file and the external data files it names (they must lie beside it). */
export function readOnnxFile(path: string): OnnxFile {
  const bytes = new Uint8Array(readFileSync(path))
  const files: { path: string; bytes: Uint8Array }[] = [{ path, bytes }]
  const folder = dirname(path)
  const cache = new Map<string, Uint8Array>()
  const graph = parseOnnx(bytes, path, (location) => {
    let data = cache.get(location)
    if (!data) {
      const read = readFolderFile(folder, location, Number.MAX_SAFE_INTEGER)
      if (!('bytes' in read)) {
        throw new LabError(
          'MODEL_ONNX_EXTERNAL',
          `${basename(path)} keeps its weights in ${location}, which is not a file in the model's folder ${folder} (data files must lie beside the model; links leading out of the folder are not followed). Copy ${basename(location)} into ${folder}.`,
        )
      }
      data = read.bytes
      cache.set(location, data)
      files.push(read)
    }
    return data
  })
  return { graph, files }
}
