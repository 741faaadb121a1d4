/** ONNX TensorProto.DataType values HFC Lab reads. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const

/** float: float32 values; int: integers (int64 fits a double exactly below 2^53); bool: 0/1. */
export type ValueKind = 'float' | 'int' | 'bool'

/**
 * A tensor whose values are known when the model is loaded: an initializer, a Constant, or a
 * folded shape computation. Floats are float32 (float16/double are converted); integers and
 * booleans are held as doubles, which is exact for every size and index an image model uses.
 */
export interface ConstTensor {
  kind: ValueKind
  dims: number[]
  values: Float32Array | Float64Array
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1)
}

export function kindOfDataType(dataType: number): ValueKind | undefined {
  switch (dataType) {
    case DataType.FLOAT:
    case DataType.FLOAT16:
    case DataType.DOUBLE:
      return 'float'
    case DataType.BOOL:
      return 'bool'
    case DataType.UINT8:
    case DataType.INT8:
    case DataType.UINT16:
    case DataType.INT16:
    case DataType.INT32:
    case DataType.INT64:
    case DataType.UINT32:
    case DataType.UINT64:
      return 'int'
    default:
      return undefined
  }
}

export function constTensor(kind: ValueKind, dims: number[], values: ArrayLike<number>): ConstTensor {
  return { kind, dims: [...dims], values: kind === 'float' ? Float32Array.from(values) : Float64Array.from(values) }
}

export function scalar(kind: ValueKind, value: number): ConstTensor {
  return constTensor(kind, [], [value])
}

/** The values as plain numbers (for shapes, axes and other small integer parameters). */
export function toNumbers(t: ConstTensor): number[] {
  return Array.from(t.values)
}

export function sameConst(a: ConstTensor, b: ConstTensor): boolean {
  // Two plans of a model share its initializers: comparing 11 M weights value by value costs 0.3 s.
  if (a === b) return true
  if (a.kind !== b.kind || a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return false
  for (let i = 0; i < a.values.length; i++)
    if (a.values[i] !== b.values[i] && !(Number.isNaN(a.values[i]) && Number.isNaN(b.values[i]))) return false
  return true
}
