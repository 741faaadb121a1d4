import { join } from 'node:path'
import { writeFileAtomic } from '../../../engine/export/atomic-write'
import { mergeFigure1 } from '../../../engine/jobs/shard-merge'
import type { Figure1Result } from '../../../protocol/spectral'
import { printJson } from '../../engine'
import type { CommandOutputs } from './types'

/** `hfc-lab figure1 --out`: figure1.json, the --json output. */
export async function writeFigure1(result: Figure1Result, out: string, force: boolean): Promise<void> {
  await writeFileAtomic(join(out, 'figure1.json'), `${JSON.stringify(result, null, 2)}\n`, { force })
}

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

export const figure1Outputs: CommandOutputs<Figure1Result> = {
  async merge(batches, { out, force }) {
    const result = mergeFigure1(batches.map((b) => b.result))
    await writeFigure1(result, out, force)
    return result
  },
  print: (result, { json, out }) => printFigure1(result, json, out),
}
