import type { ReportCurve, ReportResults, ReportSelection } from '../../protocol/report'

/** The PNG files of a report, by role, as the writer names them. */
export interface ReportFiles {
  figure1High: { index: number; file: string }[]
  figure1Low: { index: number; file: string }[]
  radius: string
  figure2: string
  figure3: string
  figure4: string
  appendixB: string
  appendixBExamples: { index: number; file: string }[]
  gallery: { index: number; file: string }[]
  kernels: string
  heatmap: string
}

function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string)
}

const img = (file: string, alt: string) => `<img src="${esc(encodeURI(file))}" alt="${esc(alt)}">`
const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)} %`)
const f3 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3))

function table(header: string[], rows: (string | number)[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
}

function selectionText(s: ReportSelection): string {
  const parts = [s.limit !== undefined ? `the first ${s.limit} images` : 'every image']
  if (s.n !== undefined) parts.push(`${s.n} of them drawn at random with seed ${s.seed ?? 0}`)
  return parts.join(', ')
}

/** AUC table of one figure: rows are attacks, columns the undefended model and each defense. */
function aucTable(entries: ReportCurve[], attacks: string[], defenses: string[]): string {
  const find = (a: string, d: string) =>
    entries.find((e) => e.attack === a && e.defense === d && (d === 'none' || e.protocol === 'transfer'))
  const rows = attacks.flatMap((a) => {
    const base = find(a, 'none')
    if (!base) return []
    return [[base.attackLabel, ...defenses.map((d) => f3(find(a, d)?.auc))]]
  })
  const clean = ['clean accuracy', ...defenses.map((d) => pct(entries.find((e) => e.defense === d)?.cleanAccuracy))]
  return table(['attack (AUC, L∞ on [0, 1])', ...defenses], [...rows, clean])
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;max-width:1000px;margin:24px auto;padding:0 16px}
h1{font-size:24px}h2{font-size:19px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px;page-break-after:avoid}
table{border-collapse:collapse;margin:8px 0 12px;font-variant-numeric:tabular-nums}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f2f4f7}
figure{display:inline-block;margin:6px 12px 6px 0;vertical-align:top;page-break-inside:avoid}figcaption{font-size:12px;color:#444;max-width:380px}
img{image-rendering:pixelated;max-width:100%}.muted{color:#666}pre{background:#f6f8fa;padding:8px;font-size:11px;white-space:pre-wrap}
section{page-break-inside:auto}`

/**
 * index.html of a report folder: every number of results.json in tables, every figure as a PNG
 * beside it (relative links only, no scripts, no network), readable in any browser or as the PDF.
 */
export function reportHtml(r: ReportResults, files: ReportFiles): string {
  const { settings, methods } = r
  const cls = (k: number) => methods.model.classes[k] ?? String(k)
  const defenses = [...new Set(r.curves.entries.map((e) => e.defense))]
  const d1 = defenses.filter((d) => d.startsWith('d1'))
  const d2 = defenses.filter((d) => d.startsWith('d2'))
  const fig4 = r.curves.entries.filter((e) => e.defense === 'none' && ['hf', 'single-pixel', 'salt-pepper'].includes(e.attack))
  const f1 = r.figure1
  const caption = (s: (typeof f1.highOnly)[number]) =>
    `#${s.index}, label ${cls(s.label)}: x → ${cls(s.original.label)} (${pct(s.original.confidence)}), x_l → ${cls(s.low.label)} (${pct(s.low.confidence)}), x_h → ${cls(s.high.label)} (${pct(s.high.confidence)})`
  const samples = (list: typeof f1.highOnly, pictures: { index: number; file: string }[]) =>
    pictures
      .map((p) => {
        const s = list.find((x) => x.index === p.index)
        return s ? `<figure>${img(p.file, `sample ${p.index}: x, x_l, x_h`)}<figcaption>${esc(caption(s))}</figcaption></figure>` : ''
      })
      .join('')
  const galleryKeys = Object.keys(r.gallery.perAttack)
  const k = r.kernels
  const out: string[] = []
  const say = (s: string) => out.push(s)
  say(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>HFC Lab report: ${esc(methods.model.name)} on ${esc(methods.dataset.name)}</title><style>${CSS}</style></head><body>`,
  )
  say(`<h1>HFC Lab report: ${esc(methods.model.name)} on ${esc(methods.dataset.name)}</h1>`)
  say(
    `<p>The study of <em>High-frequency Component Helps Explain the Generalization of CNNs</em> (Wang et al., CVPR 2020) for this model: preset <b>${esc(settings.preset)}</b>, clean accuracy <b id="clean-accuracy">${pct(r.evaluation.accuracy)}</b> on ${r.evaluation.n} images. Every number below is in results.json beside this file; the methods section at the end lists every setting.</p>`,
  )

  say(`<section id="figure1"><h2>Figure 1: predictions carried by the high-frequency part</h2>`)
  say(
    `<p>At radius r = ${f1.radius} (circle, strict d &lt; r), over ${f1.n} images: samples the model gets right on x and on x_h but wrong on x_l (Figure 1), and the converse. Each picture shows x, x_l and x_h (x_h stretched to its own range).</p>`,
  )
  say(
    table(
      ['images', 'right on x', 'right on x_l', 'right on x_h', 'x_h carries (Figure 1)', 'x_l carries (converse)'],
      [[f1.n, f1.counts.clean, f1.counts.low, f1.counts.high, f1.counts.highOnly, f1.counts.lowOnly]],
    ),
  )
  say(
    `<h3>Carried by x_h (${f1.counts.highOnly})</h3>${samples(f1.highOnly, files.figure1High) || '<p class="muted">None at this radius.</p>'}`,
  )
  say(
    `<h3>Carried by x_l (${f1.counts.lowOnly})</h3>${samples(f1.lowOnly, files.figure1Low) || '<p class="muted">None at this radius.</p>'}`,
  )
  say(
    `<h3>SVD control (section 5)</h3><p>The same count with the k trailing singular values in the role of x_h: if it is far below the Fourier count, the effect is about frequency, not about any split into a large and a small part.</p>`,
  )
  say(
    table(
      ['split', 'count'],
      [...f1.svd.rows.map((row) => [`SVD, k = ${row.k}`, row.count]), [`Fourier, r = ${f1.svd.fourier.radius}`, f1.svd.fourier.count]],
    ),
  )
  say(`</section>`)

  say(
    `<section id="radius"><h2>Accuracy versus radius</h2><p>Accuracy on x_l(r) and x_h(r) over ${r.radius.n} images (clean accuracy ${pct(r.radius.clean)}).</p>`,
  )
  say(`<figure>${img(files.radius, 'accuracy of x_l and x_h versus radius')}</figure>`)
  say(
    table(
      ['r', ...r.radius.radii.map(String)],
      [
        ['x_l', ...r.radius.low.map(pct)],
        ['x_h', ...r.radius.high.map(pct)],
      ],
    ),
  )
  say(`</section>`)

  say(`<section id="figure2"><h2>Figure 2: D1 (low-passed input), transfer protocol</h2>`)
  say(
    `<p>FGSM and DeepFool adversarials made on the original model and scored through D1; ${r.curves.n} images. AUC of accuracy versus the L∞ budget on [0, 1].</p>`,
  )
  say(
    `<figure>${img(files.figure2, 'Figure 2 curves')}</figure>${aucTable(r.curves.entries, ['fgsm', 'deepfool'], ['none', ...d1])}</section>`,
  )
  say(`<section id="figure3"><h2>Figure 3: D2 (low-passed kernels), transfer protocol</h2>`)
  say(
    `<figure>${img(files.figure3, 'Figure 3 curves')}</figure>${aucTable(r.curves.entries, ['fgsm', 'deepfool'], ['none', ...d2])}</section>`,
  )

  say(`<section id="appendixB"><h2>Appendix B: the defenses under direct attack</h2>`)
  say(
    `<p>L∞ PGD with a fixed budget, transferred from the original model and run on each defended model itself (direct; adaptive through D1's differentiable low pass).</p>`,
  )
  say(`<figure>${img(files.appendixB, 'Appendix B curves')}</figure>`)
  say(
    table(
      ['defense', 'protocol', 'fooled', 'accuracy under attack', 'clean accuracy', 'AUC'],
      r.direct.entries.map((e) => [e.defense, e.protocol, pct(e.successRate), pct(e.adversarialAccuracy), pct(e.cleanAccuracy), f3(e.auc)]),
    ),
  )
  say(`<h3>Example adversarials against ${esc(r.direct.examples.defense)} (direct: adversarials that fool it, with their L∞ distance)</h3>`)
  say(
    files.appendixBExamples
      .map((p) => {
        const row = r.direct.examples.rows.find((x) => x.index === p.index)
        return row
          ? `<figure>${img(p.file, `sample ${p.index}: clean and adversarial`)}<figcaption>#${row.index}, label ${esc(cls(row.label))}: L∞ ${f3(row.distance)}, ${row.adversarialCorrect ? 'still classified right' : 'misclassified'}</figcaption></figure>`
          : ''
      })
      .join('') || '<p class="muted">No adversarial within the budget.</p>',
  )
  say(`</section>`)

  say(
    `<section id="figure4"><h2>Figure 4: HF against SinglePixel and Salt&amp;Pepper</h2><p>On the undefended model, ${r.curves.n} images.</p>`,
  )
  say(`<figure>${img(files.figure4, 'Figure 4 curves')}</figure>`)
  say(
    table(
      ['attack', 'AUC', 'fooled', 'median L∞', 'accuracy under attack'],
      fig4.map((e) => [e.attackLabel, f3(e.auc), pct(e.successRate), f3(e.medianDistance), pct(e.adversarialAccuracy)]),
    ),
  )
  say(`</section>`)

  say(`<section id="gallery"><h2>Appendix C: samples all three attacks fool</h2>`)
  say(
    `<p>${r.gallery.allFooledCount} of ${r.gallery.n} samples (${r.gallery.cleanCorrect} classified right) are fooled by ${galleryKeys.map((key) => r.gallery.perAttack[key].label).join(', ')} alike.</p>`,
  )
  say(
    table(
      ['attack', 'success rate', 'fooled (of those classified right)'],
      galleryKeys.map((key) => {
        const a = r.gallery.perAttack[key]
        return [a.label, pct(a.successRate), a.fooled]
      }),
    ),
  )
  say(
    files.gallery
      .map((p) => {
        const row = r.gallery.rows.find((x) => x.index === p.index)
        if (!row) return ''
        const preds = galleryKeys.map((key) => `${r.gallery.perAttack[key].label} → ${cls(row.attacks[key]?.label ?? -1)}`).join(', ')
        return `<figure>${img(p.file, `sample ${p.index}: original and adversarials`)}<figcaption>#${row.index}, label ${esc(cls(row.label))}: original, then ${esc(preds)}</figcaption></figure>`
      })
      .join('') || '<p class="muted">No sample is fooled by all three attacks in this selection; a larger selection finds some.</p>',
  )
  say(`</section>`)

  say(`<section id="kernels"><h2>D2: first-layer kernels before and after</h2>`)
  say(
    `<p>Layer ${esc(k.layer)} (${k.kernelShape.join(' × ')}), low pass at r = ${k.radius} on the kernel grid: each pair shows a kernel before | after at one shared colour scale (red positive, blue negative).</p>`,
  )
  say(`<figure>${img(files.kernels, 'kernels before and after D2')}</figure>`)
  say(
    table(
      ['kept bins', 'energy removed', 'largest discarded imaginary part', 'accuracy before', 'accuracy after D2', 'accuracy cost'],
      [
        [
          `${k.keptBins} / ${k.totalBins}`,
          pct(k.energyRemovedFraction),
          k.maxImag.toExponential(2),
          pct(k.accuracyBefore),
          pct(k.accuracyAfter),
          pct(k.accuracyBefore - k.accuracyAfter),
        ],
      ],
    ),
  )
  say(`</section>`)

  const hm = r.heatmap
  say(`<section id="heatmap"><h2>Fourier heat map</h2>`)
  say(
    `<p>Error rate under a Fourier basis perturbation of L2 norm ${hm.eps} per channel at ${hm.stride === 1 ? 'every frequency' : `the frequency offsets that are multiples of ${hm.stride}`}, over ${hm.n} images; the centre is the zero frequency. Mean error rate ${pct(hm.meanErrorRate)}, largest ${pct(hm.maxErrorRate)}; ${hm.cleanErrors} images are wrong unperturbed.</p>`,
  )
  say(`<figure>${img(files.heatmap, 'Fourier heat map of the error rate')}</figure>`)
  say(table(['ring radius', ...hm.radialError.map((_, i) => String(i))], [['mean error rate', ...hm.radialError.map((v) => pct(v))]]))
  say(`</section>`)

  const m = methods
  say(`<section id="methods"><h2>Methods</h2>`)
  say(
    table(
      ['', ''],
      [
        [
          'model',
          `${m.model.name} (${m.model.format}), ${m.model.totalParams} parameters, input ${m.model.inputShape.join(' × ')} on [${m.model.inputRange.join(', ')}]`,
        ],
        ['model file', m.model.source],
        ['model SHA-256', m.model.sha256],
        ['data set', `${m.dataset.name} (${m.dataset.format}), ${m.dataset.count} images ${m.dataset.shape.join(' × ')}`],
        ['data source', m.dataset.source],
        ['data fingerprint (SHA-256)', m.dataset.fingerprint],
        ['selection: evaluation, Figure 1, SVD, radius curve, kernels, heat map', selectionText(settings.wideSelection)],
        ['selection: curves, Appendix B, gallery', selectionText(settings.attackSelection)],
        ['seed', settings.seed],
        [
          'engine',
          `${m.engine.backend}, forward passes on ${m.engine.forward}; model: ${m.model.engine.forward} forward, ${m.model.engine.gradient} gradients (${m.model.engine.reason})`,
        ],
        ['workers / cores', `${m.engine.workers} / ${m.engine.cores}`],
        [
          'versions',
          `HFC Lab ${m.engine.versions.app}, Node ${m.engine.versions.node}, TF.js ${m.engine.versions.tfjs}${m.engine.versions.electron ? `, Electron ${m.engine.versions.electron}` : ''}`,
        ],
        ['started / finished', `${m.startedAt} / ${m.finishedAt}`],
      ],
    ),
  )
  say(
    `<h3>Timings</h3>${table(
      ['section', 'seconds'],
      Object.entries(m.timings).map(([s, t]) => [s, (t ?? 0).toFixed(1)]),
    )}`,
  )
  say(
    `<h3>Every parameter</h3><p>The algorithms are those of the project's docs/algorithms.md; attack parameters not listed take its defaults.</p><pre>${esc(JSON.stringify(settings, null, 2))}</pre>`,
  )
  say(`</section></body></html>`)
  return out.join('\n')
}
