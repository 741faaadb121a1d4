import type { GradientMaps } from '../../../protocol/models'
import { printJson } from '../../engine'

export function printGradients(maps: GradientMaps, json: boolean, out: string): void {
  if (json)
    return printJson({
      n: maps.indices.length,
      engine: maps.engine,
      gradientProfile: maps.gradientProfile,
      imageProfile: maps.imageProfile,
    })
  const centre = (p: number[]) => p.reduce((s, v, r) => s + v * r, 0)
  console.log(`wrote ${maps.indices.length} gradients (${maps.engine}) to ${out}`)
  console.log(
    `mean radius of the energy: gradients ${centre(maps.gradientProfile).toFixed(2)}, images ${centre(maps.imageProfile).toFixed(2)} (frequency bins)`,
  )
}
