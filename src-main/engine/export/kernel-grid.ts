import type { KernelReport } from '../../protocol/models'

/** The kernel inspector's picture for files: before | after pairs, 8 per row, at one diverging colour scale. */
export function kernelGridPixels(report: KernelReport, cell = 8): { pixels: Uint8Array; height: number; width: number } {
  const [kh, kw] = report.kernelShape
  const pairW = kw * cell * 2 + cell
  const pairH = kh * cell + cell
  const perRow = 8
  const rows = Math.ceil(report.kernels.length / perRow)
  const width = pairW * Math.min(perRow, report.kernels.length)
  const height = pairH * rows
  const pixels = new Uint8Array(width * height * 3).fill(255)
  report.kernels.forEach((entry, i) => {
    const x0 = (i % perRow) * pairW
    const y0 = Math.floor(i / perRow) * pairH
    ;[entry.before, entry.after].forEach((values, side) => {
      values.forEach((v, p) => {
        const t = Math.max(-1, Math.min(1, report.maxAbs > 0 ? v / report.maxAbs : 0))
        const rgb = t >= 0 ? [255, 255 * (1 - t), 255 * (1 - t)] : [255 * (1 + t), 255 * (1 + t), 255]
        for (let dy = 0; dy < cell; dy++) {
          for (let dx = 0; dx < cell; dx++) {
            const x = x0 + side * kw * cell + (p % kw) * cell + dx
            const y = y0 + Math.floor(p / kw) * cell + dy
            pixels.set(rgb.map(Math.round), (y * width + x) * 3)
          }
        }
      })
    })
  })
  return { pixels, height, width }
}
