import { DataType, elementCount, kindOfDataType, type ConstTensor } from './const-tensor'
import type { TensorProto } from './onnx-proto'

/** Why a tensor's data could not be read; the caller names the file and the tensor. */
export class TensorDataError extends Error {}

const halfScratch = new Float32Array(1)
const halfBits = new Uint32Array(halfScratch.buffer)

function halfToFloat(h: number): number {
  const sign = (h & 0x8000) << 16
  const exponent = (h >>> 10) & 0x1f
  const mantissa = h & 0x3ff
  if (exponent === 0) return (sign ? -1 : 1) * mantissa * 2 ** -24
  halfBits[0] = exponent === 0x1f ? sign | 0x7f800000 | (mantissa << 13) : sign | ((exponent - 15 + 127) << 23) | (mantissa << 13)
  return halfScratch[0]
}

const BYTES: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
}

/** Little-endian element i of `bytes` in the given ONNX data type. */
function readElement(view: DataView, dataType: number, i: number): number {
  switch (dataType) {
    case DataType.FLOAT:
      return view.getFloat32(i * 4, true)
    case DataType.UINT8:
    case DataType.BOOL:
      return view.getUint8(i)
    case DataType.INT8:
      return view.getInt8(i)
    case DataType.UINT16:
      return view.getUint16(i * 2, true)
    case DataType.INT16:
      return view.getInt16(i * 2, true)
    case DataType.INT32:
      return view.getInt32(i * 4, true)
    case DataType.INT64:
      return Number(view.getBigInt64(i * 8, true))
    case DataType.FLOAT16:
      return halfToFloat(view.getUint16(i * 2, true))
    case DataType.DOUBLE:
      return view.getFloat64(i * 8, true)
    case DataType.UINT32:
      return view.getUint32(i * 4, true)
    case DataType.UINT64:
      return Number(view.getBigUint64(i * 8, true))
    default:
      throw new TensorDataError(`data type ${dataType} is not supported`)
  }
}

function fromBytes(bytes: Uint8Array, dataType: number, count: number, out: Float32Array | Float64Array): void {
  const size = BYTES[dataType]
  if (bytes.length !== count * size) {
    throw new TensorDataError(`it holds ${bytes.length} bytes where its shape needs ${count * size}`)
  }
  if (dataType === DataType.FLOAT) {
    // Raw data inside a protobuf is rarely 4-byte aligned; one copy beats reading element by element.
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice()
    out.set(new Float32Array(aligned.buffer, aligned.byteOffset, count))
    return
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let i = 0; i < count; i++) out[i] = readElement(view, dataType, i)
}

/** The typed field that holds a tensor's values when it has no raw_data (ONNX IR spec). */
function typedField(t: TensorProto, dataType: number): number[] {
  switch (dataType) {
    case DataType.FLOAT:
      return t.floatData ?? []
    case DataType.DOUBLE:
      return t.doubleData ?? []
    case DataType.INT64:
      return t.int64Data ?? []
    case DataType.UINT32:
    case DataType.UINT64:
      return t.uint64Data ?? []
    default:
      return t.int32Data ?? []
  }
}

/**
 * Reads a TensorProto's values: raw_data, the typed repeated fields, or an external file (through
 * `external`, given the entries location/offset/length).
 */
export function readTensorProto(t: TensorProto, external: (entries: Record<string, string>) => Uint8Array): ConstTensor {
  const dataType = t.dataType ?? 0
  const kind = kindOfDataType(dataType)
  if (!kind) throw new TensorDataError(`its data type ${dataType} is not a numeric type HFC Lab reads`)
  if (t.segment) throw new TensorDataError('it is split into segments, which HFC Lab does not read')
  const dims = (t.dims ?? []).map(Number)
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new TensorDataError(`its dimensions [${dims}] are invalid`)
  const count = elementCount(dims)
  const values = kind === 'float' ? new Float32Array(count) : new Float64Array(count)
  if (t.dataLocation === 1) {
    const entries = Object.fromEntries((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']))
    fromBytes(external(entries), dataType, count, values)
  } else if (t.rawData && t.rawData.length > 0) {
    fromBytes(t.rawData, dataType, count, values)
  } else {
    const field = typedField(t, dataType)
    if (field.length !== count) throw new TensorDataError(`it holds ${field.length} values where its shape needs ${count}`)
    for (let i = 0; i < count; i++) values[i] = dataType === DataType.FLOAT16 ? halfToFloat(field[i]) : Number(field[i])
  }
  return { kind, dims, values }
}

/** A TensorProto holding `t` as raw little-endian float32 or int64 data (bool as bool). */
export function toTensorProto(name: string, t: ConstTensor): TensorProto {
  const count = t.values.length
  if (t.kind === 'float') {
    const raw = new Uint8Array(count * 4)
    new Float32Array(raw.buffer).set(t.values)
    return { name, dims: t.dims, dataType: DataType.FLOAT, rawData: raw }
  }
  if (t.kind === 'bool') return { name, dims: t.dims, dataType: DataType.BOOL, rawData: Uint8Array.from(t.values) }
  const raw = new Uint8Array(count * 8)
  const view = new DataView(raw.buffer)
  // Doubles round INT64_MAX (Slice's "to the end") up to 2^63, which would wrap to INT64_MIN.
  const max = 2n ** 63n - 1n
  for (let i = 0; i < count; i++) {
    const v = BigInt(Math.trunc(t.values[i]))
    view.setBigInt64(i * 8, v > max ? max : v < -max - 1n ? -max - 1n : v, true)
  }
  return { name, dims: t.dims, dataType: DataType.INT64, rawData: raw }
}
