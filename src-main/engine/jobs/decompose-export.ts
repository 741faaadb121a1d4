import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type { Dataset } from '../data/dataset'
import { ensureWritableFolder, writeFileAtomic } from '../export/atomic-write'
import { encodeNpy } from '../../protocol/npy'
import { encodePng, toBytes } from '../export/png'
import type { JobContext } from '../base/job-context'
import { decompose, type MaskOptions } from '../spectral'
import { forEachBatch } from './batches'

/** x_h is signed and small: min-max stretch it per image for the PNG (the .npy keeps the raw values). */
function stretchPerImage(values: Float32Array): Float32Array {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  const span = hi > lo ? hi - lo : 1
  return values.map((v) => (v - lo) / span)
}

/** PNG triplets per image (unless `png` is false) and, with `npy`, x/low/high float32 arrays of the whole selection. */
export async function exportDecomposition(
  dataset: Dataset,
  indices: Int32Array,
  radius: number,
  mask: MaskOptions,
  out: string,
  options: { npy: boolean; png?: boolean; force: boolean },
  ctx: JobContext,
): Promise<{ written: number; out: string; files: string[] }> {
  const [h, w, c] = dataset.info.shape
  const plane = h * w * c
  const files: string[] = []
  const png = options.png ?? true
  await ensureWritableFolder(out)
  const arrays = options.npy
    ? {
        x: new Float32Array(indices.length * plane),
        low: new Float32Array(indices.length * plane),
        high: new Float32Array(indices.length * plane),
      }
    : null
  await forEachBatch(dataset, indices, 128, ctx, 'decompose and write', async ({ offset, indices: ids, labels, images }) => {
    const parts = decompose(images, radius, mask)
    const [x, low, high] = (await Promise.all([images.data(), parts.low.data(), parts.high.data()])) as Float32Array[]
    tf.dispose([parts.low, parts.high])
    if (arrays) {
      arrays.x.set(x, offset * plane)
      arrays.low.set(low, offset * plane)
      arrays.high.set(high, offset * plane)
    }
    for (let k = 0; png && k < ids.length; k++) {
      const slice = (a: Float32Array) => a.subarray(k * plane, (k + 1) * plane)
      const stem = `${String(ids[k]).padStart(6, '0')}_${labels[k]}`
      for (const [name, values] of [
        ['x', slice(x)],
        ['low', slice(low)],
        ['high', stretchPerImage(slice(high))],
      ] as const) {
        const file = join(out, `${stem}_${name}.png`)
        await writeFileAtomic(file, await encodePng(toBytes(values), h, w, c), { force: options.force })
        files.push(file)
      }
    }
  })
  if (arrays) {
    for (const [name, values] of Object.entries(arrays)) {
      const file = join(out, `${name}.npy`)
      await writeFileAtomic(file, encodeNpy(values, [indices.length, h, w, c]), { force: options.force })
      files.push(file)
    }
  }
  return { written: files.length, out, files }
}
