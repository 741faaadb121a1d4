import type { ImageShape } from '../data/dataset'
import { PerturbationSpectrum } from './perturbation-spectrum'
import type { AttackSummary, GalleryRow, GallerySummary, PlannedAttack } from './types'
import { median } from '../../protocol/summaries'

interface AttackTally {
  successes: number
  queries: number
  l2: number[]
  linf: number[]
  spectrum: PerturbationSpectrum
}

/** Running statistics of a gallery run; holds per-sample numbers only, never pixels. */
export class GallerySummaryBuilder {
  private n = 0
  private cleanCorrect = 0
  private allFooled = 0
  private readonly rows: GalleryRow[] = []
  private readonly tallies: Map<string, AttackTally>

  constructor(
    private readonly plan: PlannedAttack[],
    shape: ImageShape,
  ) {
    this.tallies = new Map(
      plan.map((a) => [a.key, { successes: 0, queries: 0, l2: [], linf: [], spectrum: new PerturbationSpectrum(shape) }]),
    )
  }

  /** Counts a batch: every row into the statistics, the kept ones into the summary's rows. */
  addBatch(rows: GalleryRow[], keep: boolean[], clean: Float32Array, adversarial: Record<string, Float32Array>): void {
    for (const a of this.plan) {
      const tally = this.tallies.get(a.key) as AttackTally
      tally.spectrum.add(
        clean,
        adversarial[a.key],
        rows.map((r) => (r.attacks[a.key].success ? 1 : 0)),
      )
    }
    rows.forEach((row, i) => {
      this.n += 1
      if (row.cleanCorrect) this.cleanCorrect += 1
      if (row.allFooled) this.allFooled += 1
      if (keep[i]) this.rows.push(row)
      for (const a of this.plan) {
        const outcome = row.attacks[a.key]
        const tally = this.tallies.get(a.key) as AttackTally
        tally.queries += outcome.queries
        if (outcome.success) tally.successes += 1
        if (outcome.success && row.cleanCorrect) {
          tally.l2.push(outcome.l2)
          tally.linf.push(outcome.linf)
        }
      }
    })
  }

  summary(): GallerySummary {
    const perAttack: Record<string, AttackSummary> = {}
    for (const a of this.plan) {
      const t = this.tallies.get(a.key) as AttackTally
      perAttack[a.key] = {
        label: a.label,
        params: a.params,
        successRate: this.n ? t.successes / this.n : 0,
        fooled: t.l2.length,
        medianL2: median(t.l2),
        medianLinf: median(t.linf),
        meanQueries: this.n ? t.queries / this.n : 0,
        spectrum: t.spectrum.profile(),
      }
    }
    return { n: this.n, cleanCorrect: this.cleanCorrect, perAttack, allFooledCount: this.allFooled, rows: this.rows }
  }
}
