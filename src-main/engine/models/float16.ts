const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** IEEE 754 half-precision bits of one float32, rounded to nearest even (overflow → ±inf). */
function halfBits(value: number): number {
  f32[0] = value
  const x = u32[0]
  const sign = (x >>> 16) & 0x8000
  const exponent = (x >>> 23) & 0xff
  const mantissa = x & 0x7fffff
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0)
  const e = exponent - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    const m = mantissa | 0x800000
    const shift = 14 - e
    const half = 1 << (shift - 1)
    const rest = m & ((1 << shift) - 1)
    let bits = m >>> shift
    if (rest > half || (rest === half && bits & 1)) bits++
    return sign | bits
  }
  let bits = (e << 10) | (mantissa >>> 13)
  const rest = mantissa & 0x1fff
  if (rest > 0x1000 || (rest === 0x1000 && bits & 1)) bits++
  return sign | bits
}

/** Float16 encoding of float32 weights, the layout TF.js decodes for `quantization: {dtype: 'float16'}`. */
export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = halfBits(values[i])
  return out
}
