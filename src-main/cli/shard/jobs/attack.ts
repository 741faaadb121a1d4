import type { AttackRun } from '../../../protocol/attacks'
import { attackSummary } from '../../../protocol/summaries'
import { printJson } from '../../engine'

export function printAttack(run: AttackRun, json: boolean, out?: string): void {
  const summary = attackSummary(run)
  if (json) return printJson(summary)
  console.log(
    `${summary.attack} on ${summary.n} images: success ${(summary.successRate * 100).toFixed(1)}%, median L2 ${summary.medianL2?.toFixed(4) ?? '-'}, median Linf ${summary.medianLinf?.toFixed(4) ?? '-'}, ${summary.queries.total} queries`,
  )
  if (out) console.log(`wrote ${out}`)
}
