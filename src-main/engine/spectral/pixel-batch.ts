/** NHWC pixels in a typed array, for callers that hold images outside TF.js. */
export interface PixelBatch<T extends Float32Array | Float64Array = Float32Array | Float64Array> {
  data: T
  /** [n, h, w, c] */
  shape: readonly [number, number, number, number]
}

export function assertPixelBatch(batch: PixelBatch): void {
  const { shape, data } = batch
  if (shape.length !== 4 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(`expected an NHWC shape of 4 non-negative integers, got [${shape.join(', ')}]`)
  }
  const size = shape[0] * shape[1] * shape[2] * shape[3]
  if (data.length !== size) throw new RangeError(`shape [${shape.join(', ')}] needs ${size} values, got ${data.length}`)
}
