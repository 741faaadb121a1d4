/** Saves generated content (CSV, PNG) through the browser's download, which works in both hosts. */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

export function downloadCsv(name: string, header: string[], rows: (string | number)[][]): void {
  const escape = (v: string | number) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v))
  const text = [header, ...rows].map((r) => r.map(escape).join(',')).join('\n') + '\n'
  downloadBlob(name, new Blob([text], { type: 'text/csv' }))
}

export function downloadCanvas(name: string, canvas: HTMLCanvasElement): void {
  canvas.toBlob((blob) => blob && downloadBlob(name, blob), 'image/png')
}
