import type { Evaluation } from '../../../protocol/models'
import { printJson } from '../../engine'

export function printEvaluation(result: Evaluation, json: boolean, out?: string): void {
  if (json) return printJson(result)
  console.log(`accuracy ${(result.accuracy * 100).toFixed(2)}% on ${result.n} images (defense ${result.defense})`)
  if (result.preprocessing) console.log(`  preprocessing: ${result.preprocessing}`)
  if (result.warning) console.log(`  warning: ${result.warning}`)
  for (const c of result.perClass) console.log(`  ${c.class.padEnd(14)} ${(c.accuracy * 100).toFixed(1).padStart(5)}%  (${c.n})`)
  if (out) console.log(`wrote ${out}`)
}
