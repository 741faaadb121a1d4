import { CIFAR_PIXELS } from './cifar-format'

/**
 * CIFAR binary records from 32x32 RGB images given HWC (as readBytes returns them): per record
 * the label byte(s), then the R, G and B planes. `coarse` labels make CIFAR-100 records.
 */
export function encodeCifar(pixelsHwc: Uint8Array, labels: ArrayLike<number>, coarse?: ArrayLike<number>): Uint8Array {
  const labelBytes = coarse ? 2 : 1
  const record = labelBytes + CIFAR_PIXELS
  const out = new Uint8Array(labels.length * record)
  for (let n = 0; n < labels.length; n++) {
    const base = n * record
    if (coarse) out[base] = coarse[n]
    out[base + labelBytes - 1] = labels[n]
    const image = pixelsHwc.subarray(n * CIFAR_PIXELS, (n + 1) * CIFAR_PIXELS)
    for (let p = 0; p < 1024; p++) {
      for (let ch = 0; ch < 3; ch++) out[base + labelBytes + ch * 1024 + p] = image[p * 3 + ch]
    }
  }
  return out
}
