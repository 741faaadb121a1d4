/**
 * Dev script (run by scripts/appendix-b.sh): reads the per-sample outcomes (samples.csv) of the
 * band-limited PGD curve runs and prints the README's Appendix-B tables: per band and scored model,
 * the accuracy within each budget ε, acc(ε) = mean of (d_i ≤ ε ? adversarial correct : clean correct)
 * (docs/algorithms.md §Curves and AUC), and the median radius below which half of the fooling
 * perturbations' energy lies (spectrum.csv).
 * Usage: node --import tsx scripts/appendix-b-report.ts <run folder>
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const [runDir] = process.argv.slice(2)
if (!runDir) throw new Error('usage: appendix-b-report.ts <run folder>')

const BANDS: [string, string][] = [
  ['all', 'all frequencies'],
  ['low-6', 'low, d < 6'],
  ['annulus-6-12', 'annulus, 6 ≤ d < 12'],
  ['high-12', 'high, d ≥ 12'],
]
const NORMS: { id: string; label: string; budgets: number[] }[] = [
  { id: 'linf', label: 'L∞', budgets: [0.05, 0.1, 0.2, 0.3] },
  { id: 'l2', label: 'L2', budgets: [0.5, 1, 2, 3] },
]
/** The scored model and protocol of each curve entry, in table order. */
const ROWS: [string, string, string][] = [
  ['none', 'direct', 'model'],
  ['d1:8', 'transfer', 'D1 r = 8, transfer'],
  ['d1:8', 'adaptive', 'D1 r = 8, adaptive'],
  ['d2:2', 'transfer', 'D2 r = 2, transfer'],
  ['d2:2', 'direct', 'D2 r = 2, direct'],
]

function csv(file: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n')
  return { header: head.split(','), rows: lines.map((l) => l.split(',')) }
}

const pct = (v: number) => `${Math.round(v * 100)} %`
const lines: string[] = []
for (const norm of NORMS) {
  lines.push(
    `PGD ${norm.label}, 20 steps of 0.1 ε per budget, budgets ${norm.budgets.join(', ')}: accuracy of the scored model within each budget`,
  )
  lines.push('')
  lines.push(`| band | scored model, protocol | clean | ${norm.budgets.map((b) => `ε = ${b}`).join(' | ')} | ½ energy below ρ |`)
  lines.push(`|---|---|---|${norm.budgets.map(() => '---').join('|')}|---|`)
  for (const [band, bandLabel] of BANDS) {
    const dir = join(runDir, `${norm.id}-${band}`)
    if (!existsSync(join(dir, 'samples.csv'))) continue
    const samples = csv(join(dir, 'samples.csv'))
    const spectra = csv(join(dir, 'spectrum.csv'))
    for (const [defense, protocol, rowLabel] of ROWS) {
      const key = `pgd.${defense}.${protocol}`
      const col = (field: string) => samples.header.indexOf(`${key}.${field}`)
      if (col('distance') < 0) continue
      const rows = samples.rows
      const clean = rows.reduce((s, r) => s + Number(r[col('clean_correct')]), 0) / rows.length
      const acc = norm.budgets.map(
        (eps) =>
          rows.reduce(
            (s, r) => s + Number(Number(r[col('distance')]) <= eps * (1 + 1e-5) ? r[col('adversarial_correct')] : r[col('clean_correct')]),
            0,
          ) / rows.length,
      )
      // The mean profile of the perturbations that fooled the attacked model.
      const mine = spectra.rows.filter((r) => r[0] === 'pgd' && r[1] === defense && r[2] === protocol && r[4] === '1')
      const bins = spectra.header.length - 5
      const mean = new Array<number>(bins).fill(0)
      let count = 0
      for (const r of mine) {
        const profile = r.slice(5).map(Number)
        if (!profile.some((v) => v > 0)) continue
        profile.forEach((v, k) => (mean[k] += v))
        count += 1
      }
      let sum = 0
      const half = count ? mean.findIndex((v) => (sum += v / count) >= 0.5) : -1
      lines.push(`| ${bandLabel} | ${rowLabel} | ${pct(clean)} | ${acc.map(pct).join(' | ')} | ${half >= 0 ? half : '–'} |`)
    }
  }
  lines.push('')
}
console.log(lines.join('\n'))
