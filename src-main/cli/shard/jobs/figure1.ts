import type { Figure1Result } from '../../../protocol/spectral'
import { printJson } from '../../engine'

export function printFigure1(result: Figure1Result, json: boolean, out?: string): void {
  if (json) return printJson(result)
  const c = result.counts
  console.log(`r = ${result.radius}, ${result.total} images: clean ${c.clean}, on x_l ${c.low}, on x_h ${c.high}`)
  console.log(
    `right on x and x_h, wrong on x_l: ${c.highOnly} (${result.highOnly
      .slice(0, 20)
      .map((s) => s.index)
      .join(', ')}${c.highOnly > 20 ? ', ...' : ''})`,
  )
  console.log(`right on x and x_l, wrong on x_h: ${c.lowOnly}`)
  if (out) console.log(`wrote ${out}`)
}
