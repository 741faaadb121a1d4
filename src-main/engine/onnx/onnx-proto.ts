import protobuf from 'protobufjs/light.js'
import schema from './onnx-schema.json'

/**
 * The ONNX protobuf schema (onnx.proto beside this file, Apache-2.0, see LICENSE-onnx.txt) as
 * protobufjs reflection. It is loaded from its JSON form so that no .proto file has to be found on
 * disk at run time (bundles, packaged apps); a unit test checks that the JSON matches onnx.proto.
 * Regenerate after replacing onnx.proto:
 *   node -e "const pb=require('protobufjs');require('fs').writeFileSync('onnx-schema.json',JSON.stringify(pb.loadSync('onnx.proto').toJSON()))" && npx prettier --write onnx-schema.json
 */
const root = protobuf.Root.fromJSON(schema as protobuf.INamespace)
const modelType = root.lookupType('onnx.ModelProto')

/** The fields of the ONNX messages HFC Lab reads and writes (protobufjs camelCase names). */
export interface StringEntryProto {
  key?: string
  value?: string
}

export interface TensorProto {
  dims?: number[]
  dataType?: number
  floatData?: number[]
  int32Data?: number[]
  int64Data?: number[]
  doubleData?: number[]
  uint64Data?: number[]
  name?: string
  rawData?: Uint8Array
  externalData?: StringEntryProto[]
  dataLocation?: number
  segment?: unknown
}

export interface AttributeProto {
  name?: string
  type?: number
  f?: number
  i?: number
  s?: Uint8Array
  t?: TensorProto
  g?: unknown
  floats?: number[]
  ints?: number[]
  strings?: Uint8Array[]
  tensors?: TensorProto[]
  graphs?: unknown[]
  refAttrName?: string
}

export interface NodeProto {
  input?: string[]
  output?: string[]
  name?: string
  opType?: string
  domain?: string
  attribute?: AttributeProto[]
}

export interface DimensionProto {
  dimValue?: number
  dimParam?: string
}

export interface ValueInfoProto {
  name?: string
  type?: { tensorType?: { elemType?: number; shape?: { dim?: DimensionProto[] } } }
}

export interface GraphProto {
  node?: NodeProto[]
  name?: string
  initializer?: TensorProto[]
  sparseInitializer?: unknown[]
  input?: ValueInfoProto[]
  output?: ValueInfoProto[]
  valueInfo?: ValueInfoProto[]
}

export interface OperatorSetIdProto {
  domain?: string
  version?: number
}

export interface ModelProto {
  irVersion?: number
  opsetImport?: OperatorSetIdProto[]
  producerName?: string
  producerVersion?: string
  domain?: string
  modelVersion?: number
  docString?: string
  graph?: GraphProto
  metadataProps?: StringEntryProto[]
  functions?: unknown[]
}

/** Decodes ModelProto bytes; throws protobufjs's error on malformed or truncated input. */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  return modelType.toObject(modelType.decode(bytes), { longs: Number, arrays: true }) as ModelProto
}

export function encodeModelProto(model: ModelProto): Uint8Array {
  const problem = modelType.verify(model)
  if (problem) throw new Error(`internal error: the ONNX model to write is invalid (${problem})`)
  return modelType.encode(model).finish()
}

/** The schema in protobufjs JSON form (for the test that compares it with onnx.proto). */
export const ONNX_SCHEMA_JSON: unknown = schema
