import { join } from 'node:path'
import { writeFileAtomic } from '../../../engine/export/atomic-write'
import { concatTyped } from '../../../engine/base/typed-concat'
import type { GradientMaps } from '../../../protocol/models'
import { encodeNpy } from '../../../protocol/npy'
import { printJson } from '../../engine'
import type { CommandOutputs } from './types'

/** Batches of gradient maps in selection order into one; profiles re-weighted by batch size. */
export function mergeGradients(parts: GradientMaps[]): GradientMaps {
  const n = parts.reduce((s, p) => s + p.indices.length, 0)
  const weighted = (pick: (p: GradientMaps) => number[]) => pick(parts[0]).map((_, i) => parts.reduce((s, p) => s + pick(p)[i] * p.indices.length, 0) / Math.max(n, 1))
  return {
    ...parts[0],
    indices: concatTyped(parts.map((p) => p.indices)),
    labels: concatTyped(parts.map((p) => p.labels)),
    gradient: concatTyped(parts.map((p) => p.gradient)),
    gradientProfile: weighted((p) => p.gradientProfile),
    imageProfile: weighted((p) => p.imageProfile),
  }
}

/** `hfc-lab grad --out FILE.npy` writes the array; a merge writes gradients.npy into its folder. */
export async function writeGradients(maps: GradientMaps, file: string, force: boolean): Promise<void> {
  const [h, w, c] = maps.shape
  await writeFileAtomic(file, encodeNpy(maps.gradient, [maps.indices.length, h, w, c]), { force })
}

export function printGradients(maps: GradientMaps, json: boolean, out: string): void {
  if (json) return printJson({ n: maps.indices.length, engine: maps.engine, gradientProfile: maps.gradientProfile, imageProfile: maps.imageProfile })
  const centre = (p: number[]) => p.reduce((s, v, r) => s + v * r, 0)
  console.log(`wrote ${maps.indices.length} gradients (${maps.engine}) to ${out}`)
  console.log(`mean radius of the energy: gradients ${centre(maps.gradientProfile).toFixed(2)}, images ${centre(maps.imageProfile).toFixed(2)} (frequency bins)`)
}

export const gradOutputs: CommandOutputs<GradientMaps> = {
  async merge(batches, { out, force }) {
    const maps = mergeGradients(batches.map((b) => b.result))
    await writeGradients(maps, join(out, 'gradients.npy'), force)
    return maps
  },
  print: (maps, { json, out }) => printGradients(maps, json, join(out, 'gradients.npy')),
}
