import { join, resolve } from 'node:path'
import { REPORT_FILE_NAMES, type ReportCurve, type ReportPictures, type ReportResults, type ReportSummary } from '../../protocol/report'
import { blockFill } from '../../protocol/heatmap'
import { writeFileAtomic } from '../export/atomic-write'
import { heatmapPng } from '../export/heatmap-png'
import { kernelGridPixels } from '../export/kernel-grid'
import { lineChartPng, type ChartSeries } from '../export/line-chart'
import { encodePng } from '../export/png'
import { printPdf } from './pdf'
import { pictureRow, type Tone } from './pictures'
import { reportHtml, type ReportFiles } from './report-html'

export const REPORT_INDEX = REPORT_FILE_NAMES.index
export const REPORT_RESULTS = REPORT_FILE_NAMES.results
export const REPORT_PDF = REPORT_FILE_NAMES.pdf

export interface WriteReportRequest {
  out: string
  results: ReportResults
  pictures: ReportPictures
  pdf: boolean
  force: boolean
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '-')

function curveSeries(
  entries: ReportCurve[],
  pick: (e: ReportCurve) => boolean,
  name: (e: ReportCurve) => string,
  style: (e: ReportCurve, i: number) => Partial<ChartSeries> = () => ({}),
): ChartSeries[] {
  return entries.filter(pick).map((e, i) => ({ name: `${name(e)} AUC ${f3(e.auc)}`, x: e.grid, y: e.accuracy, ...style(e, i) }))
}

/**
 * Writes a report folder from finished results: one PNG per figure and picture, index.html over
 * them, results.json (every number, no pixels) and, when asked and a Chromium is found, report.pdf.
 * Files already there are replaced only with `force` (a report run passes it for its own folder).
 */
export async function writeReport(
  { out, results, pictures, pdf, force }: WriteReportRequest,
  onFile: (done: number) => void = () => undefined,
): Promise<Omit<ReportSummary, 'data'>> {
  const folder = resolve(out)
  const written: string[] = []
  const put = async (name: string, data: Uint8Array | string) => {
    await writeFileAtomic(join(folder, name), data, { force })
    written.push(name)
    onFile(written.length)
  }
  const png = async (name: string, picture: { pixels: Uint8Array; height: number; width: number }) =>
    put(name, await encodePng(picture.pixels, picture.height, picture.width, 3))
  const row = async (name: string, images: { image: ReportPictures['gallery'][number]['original']; tone?: Tone }[]) =>
    png(name, pictureRow(images))

  const files: ReportFiles = {
    figure1High: [],
    figure1Low: [],
    radius: 'radius.png',
    figure2: 'figure2.png',
    figure3: 'figure3.png',
    figure4: 'figure4.png',
    appendixB: 'appendixB.png',
    appendixBExamples: [],
    gallery: [],
    kernels: 'kernels.png',
    heatmap: 'heatmap.png',
  }
  for (const [kind, list, target] of [
    ['high', pictures.figure1.highOnly, files.figure1High],
    ['low', pictures.figure1.lowOnly, files.figure1Low],
  ] as const) {
    for (const d of list) {
      const file = `figure1-${kind}-${d.index}.png`
      await row(file, [{ image: d.original }, { image: d.low }, { image: d.high, tone: 'stretch' }])
      target.push({ index: d.index, file })
    }
  }
  const rc = results.radius
  await put(
    files.radius,
    await lineChartPng({
      title: 'ACCURACY VERSUS RADIUS',
      xLabel: 'RADIUS R (FREQUENCY BINS)',
      xMax: Math.max(...rc.radii, 1),
      series: [
        { name: 'X_L (LOW PART)', x: rc.radii, y: rc.low },
        { name: 'X_H (HIGH PART)', x: rc.radii, y: rc.high },
        { name: `CLEAN ${f3(rc.clean)}`, x: [0, Math.max(...rc.radii, 1)], y: [rc.clean, rc.clean], dashed: true, color: 7 },
      ],
    }),
  )
  const entries = results.curves.entries
  const defenses = [...new Set(entries.map((e) => e.defense))]
  for (const [file, title, prefix] of [
    [files.figure2, 'FIGURE 2: D1 TRANSFER', 'd1'],
    [files.figure3, 'FIGURE 3: D2 TRANSFER', 'd2'],
  ] as const) {
    const group = ['none', ...defenses.filter((d) => d.startsWith(prefix))]
    const series = curveSeries(
      entries,
      (e) => ['fgsm', 'deepfool'].includes(e.attack) && group.includes(e.defense) && (e.defense === 'none' || e.protocol === 'transfer'),
      (e) => `${e.attackLabel} ${e.defense}`,
      (e) => ({ dashed: e.attack === 'deepfool', color: group.indexOf(e.defense) }),
    )
    await put(file, await lineChartPng({ title, xLabel: 'MAX PERTURBATION EPS (LINF, [0, 1])', xMax: 1, series }))
  }
  await put(
    files.figure4,
    await lineChartPng({
      title: 'FIGURE 4: HF VS SINGLEPIXEL, SALT&PEPPER',
      xLabel: 'MAX PERTURBATION EPS (LINF, [0, 1])',
      xMax: 1,
      series: curveSeries(
        entries,
        (e) => e.defense === 'none' && ['hf', 'single-pixel', 'salt-pepper'].includes(e.attack),
        (e) => e.attackLabel,
      ),
    }),
  )
  await put(
    files.appendixB,
    await lineChartPng({
      title: 'APPENDIX B: DIRECT PGD',
      xLabel: 'MAX PERTURBATION EPS (LINF, [0, 1])',
      xMax: 1,
      series: curveSeries(
        results.direct.entries,
        () => true,
        (e) => `${e.defense} ${e.protocol}`,
        (e) => ({ dashed: e.protocol === 'transfer' }),
      ),
    }),
  )
  for (const ex of pictures.directExamples) {
    const file = `appendixB-${ex.index}.png`
    await row(file, [{ image: ex.original }, { image: ex.adversarial }])
    files.appendixBExamples.push({ index: ex.index, file })
  }
  for (const g of pictures.gallery) {
    const file = `gallery-${g.index}.png`
    await row(file, [
      { image: g.original },
      ...Object.keys(results.gallery.perAttack).flatMap((k) => (g.attacks[k] ? [{ image: g.attacks[k] }] : [])),
    ])
    files.gallery.push({ index: g.index, file })
  }
  const grid = kernelGridPixels(pictures.kernels)
  await put(files.kernels, await encodePng(grid.pixels, grid.height, grid.width, 3))
  const { error, h, w } = pictures.heatmap
  const stride = results.heatmap.stride
  const top = Math.max(1e-6, ...Array.from(blockFill(error, h, w, stride)).filter(Number.isFinite))
  await put(
    files.heatmap,
    await heatmapPng({ grid: error, h, w, stride, scaleMax: top, title: `ERROR RATE, L2 NORM ${results.heatmap.eps} PER CHANNEL` }),
  )
  await put(REPORT_RESULTS, JSON.stringify(results, null, 2))
  await put(REPORT_INDEX, reportHtml(results, files))
  const printed = pdf
    ? await printPdf(join(folder, REPORT_INDEX), join(folder, REPORT_PDF))
    : { pdf: null, note: 'PDF not asked for: open index.html in a browser and print it to PDF.' }
  if (printed.pdf) written.push(REPORT_PDF)
  return {
    out: folder,
    index: join(folder, REPORT_INDEX),
    results: join(folder, REPORT_RESULTS),
    pdf: printed.pdf,
    pdfNote: printed.note,
    files: written,
  }
}
