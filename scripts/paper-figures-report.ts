/**
 * Dev script (run by scripts/paper-figures.sh): reads the curve.json files the figure runs wrote,
 * prints the README's tables of "The paper's figures, reproduced" with a verdict per claim, and
 * draws one PNG chart per figure and data set with the engine's chart renderer (the report's).
 * Usage: node --import tsx scripts/paper-figures-report.ts <run folder> [png folder]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { lineChartPng } from '../src-main/engine/export/line-chart'

interface Entry {
  attack: string
  defense: string
  protocol: string
  auc: number
  cleanAccuracy: number
  adversarialAccuracy: number
  successRate: number
  medianDistance: number
  grid: number[]
  accuracy: number[]
}
interface CurveFile {
  n: number
  norm: string
  entries: Entry[]
}

const [runDir, pngDir = runDir] = process.argv.slice(2)
if (!runDir) throw new Error('usage: paper-figures-report.ts <run folder> [png folder]')
mkdirSync(pngDir, { recursive: true })

const LABELS: Record<string, string> = {
  fgsm: 'FGSM',
  deepfool: 'DeepFool',
  hf: 'HF',
  'single-pixel': 'SinglePixel',
  'salt-pepper': 'Salt&Pepper',
  pgd: 'PGD',
}
const label = (id: string) => LABELS[id] ?? id
const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–')
const pct = (v: number) => `${Math.round(v * 100)} %`

function load(name: string): CurveFile | undefined {
  const file = join(runDir, name, 'curve.json')
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CurveFile) : undefined
}

function find(file: CurveFile, attack: string, defense: string, protocol?: string): Entry | undefined {
  return file.entries.find((e) => e.attack === attack && e.defense === defense && (!protocol || e.protocol === protocol))
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

// ---- charts --------------------------------------------------------------------------------
interface Series {
  name: string
  entry: Entry
  dashed?: boolean
  /** Palette index (default: the series' position). */
  color?: number
}

async function chart(file: string, title: string, xLabel: string, series: Series[]): Promise<void> {
  const png = await lineChartPng({
    title,
    xLabel,
    xMax: 1,
    series: series.map((s) => ({
      name: `${s.name} AUC ${f3(s.entry.auc)}`,
      x: s.entry.grid,
      y: s.entry.accuracy,
      dashed: s.dashed,
      color: s.color,
    })),
  })
  writeFileSync(join(pngDir, file), png)
}

// ---- figures ---------------------------------------------------------------------------------
const out: string[] = []
const say = (text = '') => out.push(text)

for (const data of ['mnist', 'fashion-mnist']) {
  const paper = load(`${data}-paper`)
  if (!paper) continue
  const rms = load(`${data}-fig4-rms`)
  const hf1 = load(`${data}-hf-rmin1-linf`)
  const hf1rms = load(`${data}-hf-rmin1-rms`)
  const direct = load(`${data}-direct`)
  const defenses = [...new Set(paper.entries.map((e) => e.defense))]
  const d1 = defenses.filter((d) => d.startsWith('d1'))
  const d2 = defenses.filter((d) => d.startsWith('d2'))
  say(`#### ${data} (${paper.n} images, seed 0)`)
  say()

  for (const [fig, group] of [
    ['2', d1],
    ['3', d2],
  ] as const) {
    const rows = ['fgsm', 'deepfool'].map((a) => {
      const base = find(paper, a, 'none')
      const cells = group.map((d) => find(paper, a, d, 'transfer'))
      const below = group.filter((_, k) => !(base && cells[k] && (cells[k] as Entry).auc > base.auc))
      const verdict = below.length === 0 ? 'holds' : below.length === group.length ? 'does not hold' : `holds except ${below.join(', ')}`
      return [label(a), f3(base?.auc ?? NaN), ...cells.map((c) => f3(c?.auc ?? NaN)), verdict]
    })
    const clean = [
      'clean accuracy',
      pct(find(paper, 'fgsm', 'none')?.cleanAccuracy ?? NaN),
      ...group.map((d) => pct(find(paper, 'fgsm', d)?.cleanAccuracy ?? NaN)),
      '',
    ]
    say(`Figure ${fig} (${fig === '2' ? 'D1' : 'D2'}, transfer protocol, L∞ AUC):`)
    say()
    say(table(['attack', 'none', ...group, 'defended curves above the undefended'], [...rows, clean]))
    say()
    const series = ['fgsm', 'deepfool'].flatMap((a, ai) =>
      ['none', ...group].flatMap((d, di) => {
        const e = find(paper, a, d)
        return e ? [{ name: `${label(a)} ${d}`, entry: e, dashed: ai === 1, color: di }] : []
      }),
    )
    await chart(
      `figure${fig}-${data}.png`,
      `FIGURE ${fig}: ${data.toUpperCase()}, ${fig === '2' ? 'D1' : 'D2'} TRANSFER`,
      'MAX PERTURBATION EPS (LINF, [0, 1])',
      series,
    )
  }

  const fig4 = ['hf', 'single-pixel', 'salt-pepper']
  const rows4 = fig4.map((a) => {
    const e = find(paper, a, 'none')
    const r = rms && find(rms, a, 'none')
    return [
      label(a),
      f3(e?.auc ?? NaN),
      f3(r?.auc ?? NaN),
      pct(e?.successRate ?? NaN),
      f3(e?.medianDistance ?? NaN),
      f3(r?.medianDistance ?? NaN),
    ]
  })
  if (hf1 && hf1rms) {
    const a = find(hf1, 'hf', 'none')
    const b = find(hf1rms, 'hf', 'none')
    rows4.push([
      'HF, r_min = 1',
      f3(a?.auc ?? NaN),
      f3(b?.auc ?? NaN),
      pct(a?.successRate ?? NaN),
      f3(a?.medianDistance ?? NaN),
      f3(b?.medianDistance ?? NaN),
    ])
  }
  rows4[0][0] = 'HF, default r_min'
  say('Figure 4 (undefended model; AUC on the L∞ axis and on the RMS axis, both [0, 1]):')
  say()
  say(table(['attack', 'AUC L∞', 'AUC RMS', 'fooled', 'median L∞', 'median RMS'], rows4))
  say()
  const verdict = (file: CurveFile | undefined, axis: string) => {
    const hf = file && find(file, 'hf', 'none')
    if (!file || !hf) return
    const others = ['single-pixel', 'salt-pepper'].map((a) => find(file, a, 'none')).filter((e): e is Entry => !!e)
    const beaten = others.filter((o) => o.auc < hf.auc).map((o) => label(o.attack))
    say(
      `- ${axis}: HF ${beaten.length ? `is weaker than ${beaten.join(' and ')} (the claim does not hold)` : 'is at least as strong as SinglePixel and Salt&Pepper (the claim holds)'}.`,
    )
  }
  verdict(paper, 'L∞ axis')
  verdict(rms, 'RMS axis')
  say()
  await chart(
    `figure4-${data}-linf.png`,
    `FIGURE 4: ${data.toUpperCase()}, LINF`,
    'MAX PERTURBATION EPS (LINF, [0, 1])',
    fig4.flatMap((a) => (find(paper, a, 'none') ? [{ name: label(a), entry: find(paper, a, 'none') as Entry }] : [])),
  )
  if (rms)
    await chart(
      `figure4-${data}-rms.png`,
      `FIGURE 4: ${data.toUpperCase()}, RMS`,
      'MAX PERTURBATION EPS (RMS = L2 / SQRT(D))',
      fig4.flatMap((a) => (find(rms, a, 'none') ? [{ name: label(a), entry: find(rms, a, 'none') as Entry }] : [])),
    )

  if (direct) {
    say('Defenses under direct attack (PGD L∞, ε = 0.3 fixed budget):')
    say()
    say(
      table(
        ['defense', 'protocol', 'fooled on the model attacked (the original for transfer)', 'accuracy under attack', 'AUC L∞'],
        direct.entries.map((e) => [e.defense, e.protocol, pct(e.successRate), pct(e.adversarialAccuracy), f3(e.auc)]),
      ),
    )
    say()
    await chart(
      `defenses-direct-${data}.png`,
      `DEFENSES UNDER DIRECT PGD: ${data.toUpperCase()}`,
      'MAX PERTURBATION EPS (LINF, [0, 1])',
      direct.entries.map((e) => ({ name: `${e.defense} ${e.protocol}`, entry: e, dashed: e.protocol === 'transfer' })),
    )
  }
}
console.log(out.join('\n'))
