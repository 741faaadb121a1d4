import type { GalleryManifest, ManifestAttackEntry } from './gallery-manifest'

function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string)
}

/** File names are written by the exporter itself, but are URL-escaped anyway for the href/src. */
function link(file: string): string {
  return escapeHtml(encodeURI(file))
}

const percent = (p: number) => `${(p * 100).toFixed(1)}%`

function attackCell(entry: ManifestAttackEntry, width: number): string {
  const verdict = !entry.success
    ? '<span class="muted">not fooled</span>'
    : entry.still_adversarial_after_png
      ? '<span class="good">fooled; PNG still fools</span>'
      : '<span class="bad">fooled; lost in the 8-bit PNG</span>'
  return `<td><a href="${link(entry.npy)}"><img src="${link(entry.png)}" width="${width}" alt="${escapeHtml(entry.png)}"></a>
<div>pred ${escapeHtml(entry.predicted_class)} (${percent(entry.confidence)})</div>
<div>L2 ${entry.l2.toFixed(3)} · L∞ ${entry.linf.toFixed(3)} · ${entry.queries} queries</div>
<div>${verdict}</div></td>`
}

/**
 * index.html of an exported gallery: the run's metadata and a table with one row per sample,
 * the original and every adversarial with its caption. Static, relative links, no scripts, so it
 * opens offline from the folder (each adversarial image links to its exact float32 .npy).
 */
export function galleryHtml(manifest: GalleryManifest, displayWidth: number): string {
  const m = manifest
  const lost = m.attacks.map((a) => `${escapeHtml(a.label)}: ${m.counts.lost_after_png[a.key] ?? 0}`).join(', ')
  const head = `<tr><th>sample</th><th>original</th>${m.attacks.map((a) => `<th>${escapeHtml(a.label)}<br><small>${escapeHtml(JSON.stringify(a.params))}</small></th>`).join('')}</tr>`
  const body = m.rows
    .map(
      (row) => `<tr><td>#${row.index}<br>${escapeHtml(row.source_file)}${row.source_index ? ` [${row.source_index}]` : ''}</td>
<td><img src="${link(row.original_png)}" width="${displayWidth}" alt="${escapeHtml(row.original_png)}">
<div>true ${escapeHtml(row.true_class)}</div><div>pred ${escapeHtml(row.clean.predicted_class)} (${percent(row.clean.confidence)})</div></td>
${m.attacks.map((a) => attackCell(row.attacks[a.key], displayWidth)).join('\n')}</tr>`,
    )
    .join('\n')
  const sheets = m.files.contact_sheets.map((f) => `<a href="${link(f)}">${escapeHtml(f)}</a>`).join(' ')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>HFC Lab gallery: ${escapeHtml(m.model.name)} on ${escapeHtml(m.dataset.name)}</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px; color: #111; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 4px; vertical-align: top; text-align: left; }
img { image-rendering: pixelated; display: block; } small { font-weight: normal; color: #555; }
.muted { color: #777; } .good { color: #060; } .bad { color: #b00; } dt { font-weight: bold; float: left; width: 11em; } dd { margin-left: 11em; }
</style></head><body>
<h1>Adversarial gallery</h1>
<dl>
<dt>Status</dt><dd>${escapeHtml(m.status)} (${m.counts.written} of ${m.counts.processed} processed samples written, ${m.selection.requested} selected)</dd>
<dt>Model</dt><dd>${escapeHtml(m.model.name)}${m.model.variant ? ` [${escapeHtml(m.model.variant)}]` : ''}: ${escapeHtml(m.model.file)} (SHA-256 ${escapeHtml(m.model.sha256)})</dd>
<dt>Data set</dt><dd>${escapeHtml(m.dataset.name)}: ${escapeHtml(m.dataset.source)} (fingerprint ${escapeHtml(m.dataset.fingerprint)})</dd>
<dt>Seed</dt><dd>${m.seed}</dd>
<dt>Filter</dt><dd>${m.filter.only_all_fooled ? 'only samples every attack fooled' : m.filter.only_fooled_by ? `only samples ${escapeHtml(m.filter.only_fooled_by)} fooled` : 'none'}</dd>
<dt>Lost in 8-bit PNG</dt><dd>${lost}</dd>
<dt>Written by</dt><dd>HFC Lab ${escapeHtml(m.app.version)} on ${escapeHtml(m.backend)}, ${escapeHtml(m.started)}</dd>
<dt>Files</dt><dd><a href="manifest.json">manifest.json</a> <a href="manifest.csv">manifest.csv</a> ${sheets}</dd>
</dl>
<table><thead>${head}</thead><tbody>
${body}
</tbody></table>
</body></html>
`
}
