/**
 * Dev script (run by scripts/paper-figures.sh): reads the curve.json files the figure runs wrote,
 * prints the README's tables of "The paper's figures, reproduced" with a verdict per claim, and
 * draws one PNG chart per figure and data set with the engine's PNG encoder and bitmap font.
 * Usage: node --import tsx scripts/paper-figures-report.ts <run folder> [png folder]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encodePng } from '../src-main/engine/export/png'
import { drawText, type Canvas } from '../src-main/engine/export/bitmap-font'

interface Entry {
  attack: string
  defence: string
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

const LABELS: Record<string, string> = { fgsm: 'FGSM', deepfool: 'DeepFool', hf: 'HF', 'single-pixel': 'SinglePixel', 'salt-pepper': 'Salt&Pepper', pgd: 'PGD' }
const label = (id: string) => LABELS[id] ?? id
const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–')
const pct = (v: number) => `${Math.round(v * 100)} %`

function load(name: string): CurveFile | undefined {
  const file = join(runDir, name, 'curve.json')
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CurveFile) : undefined
}

function find(file: CurveFile, attack: string, defence: string, protocol?: string): Entry | undefined {
  return file.entries.find((e) => e.attack === attack && e.defence === defence && (!protocol || e.protocol === protocol))
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

// ---- charts --------------------------------------------------------------------------------
const PALETTE = [
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [148, 103, 189],
  [255, 127, 14],
  [140, 86, 75],
  [227, 119, 194],
  [23, 190, 207],
]
interface Series {
  name: string
  entry: Entry
  dashed?: boolean
  /** Palette index (default: the series' position). */
  color?: number
}

async function chart(file: string, title: string, xLabel: string, series: Series[]): Promise<void> {
  const W = 720
  const plot = { left: 60, top: 40, width: 400, height: 300 }
  const H = Math.max(plot.top + plot.height + 50, 50 + series.length * 14)
  const canvas: Canvas = { data: new Uint8Array(W * H * 3).fill(255), width: W, height: H, channels: 3 }
  const put = (x: number, y: number, c: number[]) => {
    const px = Math.round(x)
    const py = Math.round(y)
    if (px < 0 || py < 0 || px >= W || py >= H) return
    canvas.data.set(c, (py * W + px) * 3)
  }
  const line = (x0: number, y0: number, x1: number, y1: number, c: number[], dashed = false) => {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1)
    for (let k = 0; k <= steps; k++) {
      if (dashed && Math.floor(k / 4) % 2 === 1) continue
      const x = x0 + ((x1 - x0) * k) / steps
      const y = y0 + ((y1 - y0) * k) / steps
      put(x, y, c)
      put(x, y + 1, c)
    }
  }
  const X = (eps: number) => plot.left + eps * plot.width
  const Y = (acc: number) => plot.top + (1 - acc) * plot.height
  const grey = [200, 200, 200]
  for (let t = 0; t <= 10; t += 2) {
    line(X(t / 10), plot.top, X(t / 10), plot.top + plot.height, grey)
    line(plot.left, Y(t / 10), plot.left + plot.width, Y(t / 10), grey)
    // drawText indexes pixels directly: positions must be integers.
    drawText(canvas, Math.round(X(t / 10)) - 8, plot.top + plot.height + 6, (t / 10).toFixed(1), [0, 0, 0])
    drawText(canvas, plot.left - 26, Math.round(Y(t / 10)) - 3, (t / 10).toFixed(1), [0, 0, 0])
  }
  drawText(canvas, plot.left, 10, title, [0, 0, 0], 2)
  drawText(canvas, plot.left + 80, plot.top + plot.height + 22, xLabel, [0, 0, 0])
  drawText(canvas, 4, plot.top - 14, 'ACCURACY', [0, 0, 0])
  series.forEach((s, i) => {
    const c = PALETTE[(s.color ?? i) % PALETTE.length]
    const { grid, accuracy } = s.entry
    for (let k = 1; k < grid.length; k++) line(X(grid[k - 1]), Y(accuracy[k - 1]), X(grid[k]), Y(accuracy[k]), c, s.dashed)
    const ly = plot.top + i * 14
    line(plot.left + plot.width + 16, ly + 3, plot.left + plot.width + 36, ly + 3, c, s.dashed)
    drawText(canvas, plot.left + plot.width + 42, ly, `${s.name} AUC ${f3(s.entry.auc)}`, [0, 0, 0])
  })
  writeFileSync(join(pngDir, file), await encodePng(canvas.data, H, W, 3))
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
  const defences = [...new Set(paper.entries.map((e) => e.defence))]
  const d1 = defences.filter((d) => d.startsWith('d1'))
  const d2 = defences.filter((d) => d.startsWith('d2'))
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
    const clean = ['clean accuracy', pct(find(paper, 'fgsm', 'none')?.cleanAccuracy ?? NaN), ...group.map((d) => pct(find(paper, 'fgsm', d)?.cleanAccuracy ?? NaN)), '']
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
    await chart(`figure${fig}-${data}.png`, `FIGURE ${fig}: ${data.toUpperCase()}, ${fig === '2' ? 'D1' : 'D2'} TRANSFER`, 'MAX PERTURBATION EPS (LINF, [0, 1])', series)
  }

  const fig4 = ['hf', 'single-pixel', 'salt-pepper']
  const rows4 = fig4.map((a) => {
    const e = find(paper, a, 'none')
    const r = rms && find(rms, a, 'none')
    return [label(a), f3(e?.auc ?? NaN), f3(r?.auc ?? NaN), pct(e?.successRate ?? NaN), f3(e?.medianDistance ?? NaN), f3(r?.medianDistance ?? NaN)]
  })
  if (hf1 && hf1rms) {
    const a = find(hf1, 'hf', 'none')
    const b = find(hf1rms, 'hf', 'none')
    rows4.push(['HF, r_min = 1', f3(a?.auc ?? NaN), f3(b?.auc ?? NaN), pct(a?.successRate ?? NaN), f3(a?.medianDistance ?? NaN), f3(b?.medianDistance ?? NaN)])
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
    say(`- ${axis}: HF ${beaten.length ? `is weaker than ${beaten.join(' and ')} (the claim does not hold)` : 'is at least as strong as SinglePixel and Salt&Pepper (the claim holds)'}.`)
  }
  verdict(paper, 'L∞ axis')
  verdict(rms, 'RMS axis')
  say()
  await chart(`figure4-${data}-linf.png`, `FIGURE 4: ${data.toUpperCase()}, LINF`, 'MAX PERTURBATION EPS (LINF, [0, 1])', fig4.flatMap((a) => (find(paper, a, 'none') ? [{ name: label(a), entry: find(paper, a, 'none') as Entry }] : [])))
  if (rms) await chart(`figure4-${data}-rms.png`, `FIGURE 4: ${data.toUpperCase()}, RMS`, 'MAX PERTURBATION EPS (RMS = L2 / SQRT(D))', fig4.flatMap((a) => (find(rms, a, 'none') ? [{ name: label(a), entry: find(rms, a, 'none') as Entry }] : [])))

  if (direct) {
    say('Defences under direct attack (PGD L∞, ε = 0.3 fixed budget):')
    say()
    say(
      table(
        ['defence', 'protocol', 'fooled on the model attacked (the original for transfer)', 'accuracy under attack', 'AUC L∞'],
        direct.entries.map((e) => [e.defence, e.protocol, pct(e.successRate), pct(e.adversarialAccuracy), f3(e.auc)]),
      ),
    )
    say()
    await chart(
      `defences-direct-${data}.png`,
      `DEFENCES UNDER DIRECT PGD: ${data.toUpperCase()}`,
      'MAX PERTURBATION EPS (LINF, [0, 1])',
      direct.entries.map((e) => ({ name: `${e.defence} ${e.protocol}`, entry: e, dashed: e.protocol === 'transfer' })),
    )
  }
}
console.log(out.join('\n'))
