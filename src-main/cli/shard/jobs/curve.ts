import type { CurveRun } from '../../../protocol/attacks'
import { curveJson } from '../../../protocol/summaries'
import { printJson } from '../../engine'

export function printCurve(result: CurveRun, norm: string, json: boolean, out?: string): void {
  const summary = curveJson(result, norm)
  if (json) return printJson(summary)
  for (const r of summary.entries) {
    console.log(
      `${r.attack.padEnd(12)} ${r.defense.padEnd(8)} ${r.protocol.padEnd(9)} AUC ${r.auc.toFixed(4)}  clean ${(r.cleanAccuracy * 100).toFixed(1)}%  adv ${(r.adversarialAccuracy * 100).toFixed(1)}%`,
    )
  }
  for (const s of result.skipped) console.log(`skipped ${s.attack} / ${s.defense} / ${s.protocol}: ${s.reason}`)
  if (out) console.log(`wrote ${out}`)
}
