import { chooseBackend } from '../src-main/engine/compute/backend'
import type { BenchRow } from './row'

/**
 * npm run bench [-- --json] [-- --only NAME]: every workload against a baseline measured in this same
 * run, as a table (or a JSON array of {workload, ours, baseline, ratio, target, pass}).
 */
const suites: Record<string, () => Promise<BenchRow[]>> = {
  spectral: async () => (await import('./spectral')).benchSpectral(),
  ops: async () => (await import('./ops')).benchOps(),
  pool: async () => (await import('./pool')).benchPool(),
  attacks: async () => (await import('./attacks')).benchAttacks(),
  onnx: async () => (await import('./onnx')).benchOnnx(),
  decompose: async () => (await import('./decompose')).benchDecompose(),
  heatmap: async () => (await import('./heatmap')).benchHeatmap(),
}

const args = process.argv.slice(2)
const json = args.includes('--json')
const onlyAt = args.indexOf('--only')
const only = onlyAt >= 0 ? args[onlyAt + 1]?.split(',') : null

await chooseBackend('wasm')
const rows: BenchRow[] = []
for (const [name, suite] of Object.entries(suites)) {
  if (only && !only.includes(name)) continue
  if (!json) process.stderr.write(`running ${name}...\n`)
  try {
    rows.push(...(await suite()))
  } catch (error) {
    rows.push({
      workload: `${name}: failed (${error instanceof Error ? error.message : String(error)})`,
      ours: NaN,
      baseline: null,
      ratio: null,
      target: '-',
      pass: false,
      unit: '-',
    })
  }
}

if (json) {
  process.stdout.write(
    JSON.stringify(
      rows.map(({ workload, ours, baseline, ratio, target, pass, unit }) => ({ workload, ours, baseline, ratio, target, pass, unit })),
      null,
      2,
    ) + '\n',
  )
} else {
  const fmt = (v: number | null) => (v === null || Number.isNaN(v) ? '-' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3))
  const table = [
    ['workload', 'ours', 'baseline', 'ratio', 'target', 'pass', 'unit'],
    ...rows.map((r) => [
      r.workload,
      fmt(r.ours),
      fmt(r.baseline),
      fmt(r.ratio),
      r.target,
      r.pass === null ? '-' : r.pass ? 'PASS' : 'FAIL',
      r.unit,
    ]),
  ]
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)))
  for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '))
}
