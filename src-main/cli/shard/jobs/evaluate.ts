import { join } from 'node:path'
import { writeFileAtomic } from '../../../engine/export/atomic-write'
import { mergeEvaluate } from '../../../engine/jobs/shard-merge'
import type { Evaluation } from '../../../protocol/models'
import { printJson } from '../../engine'
import type { CommandOutputs } from './types'

/** `hfc-lab eval --out`: evaluation.json, the --json output. */
export async function writeEvaluation(result: Evaluation, out: string, force: boolean): Promise<void> {
  await writeFileAtomic(join(out, 'evaluation.json'), `${JSON.stringify(result, null, 2)}\n`, { force })
}

export function printEvaluation(result: Evaluation, json: boolean, out?: string): void {
  if (json) return printJson(result)
  console.log(`accuracy ${(result.accuracy * 100).toFixed(2)}% on ${result.n} images (defence ${result.defense})`)
  if (result.preprocessing) console.log(`  preprocessing: ${result.preprocessing}`)
  if (result.warning) console.log(`  warning: ${result.warning}`)
  for (const c of result.perClass) console.log(`  ${c.class.padEnd(14)} ${(c.accuracy * 100).toFixed(1).padStart(5)}%  (${c.n})`)
  if (out) console.log(`wrote ${out}`)
}

export const evaluationOutputs: CommandOutputs<Evaluation> = {
  async merge(batches, { out, force }) {
    const result = mergeEvaluate(batches.map((b) => b.result))
    await writeEvaluation(result, out, force)
    return result
  },
  print: (result, { json, out }) => printEvaluation(result, json, out),
}
