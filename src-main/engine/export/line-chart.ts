import { drawText, type Canvas } from './bitmap-font'
import { encodePng } from './png'

/** Categorical colours of the charts' series (the palette chart.js users know). */
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

export interface ChartSeries {
  /** Legend text (the bitmap font draws upper case). */
  name: string
  x: number[]
  /** Values on [0, 1] (accuracies). */
  y: number[]
  dashed?: boolean
  /** Palette index (default: the series' position). */
  color?: number
}

export interface LineChart {
  title: string
  xLabel: string
  /** The x axis spans [0, xMax]; the y axis is [0, 1]. */
  xMax: number
  series: ChartSeries[]
}

const tick = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1))

/**
 * An accuracy chart as an RGB PNG, drawn with the engine's bitmap font so it looks the same on
 * every machine (no system fonts): grid, axes with five ticks, one line per series and a legend.
 */
export async function lineChartPng(chart: LineChart): Promise<Buffer> {
  const W = 760
  const plot = { left: 60, top: 40, width: 400, height: 300 }
  const H = Math.max(plot.top + plot.height + 50, 50 + chart.series.length * 14)
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
  const xMax = chart.xMax > 0 ? chart.xMax : 1
  const X = (v: number) => plot.left + (Math.min(v, xMax) / xMax) * plot.width
  const Y = (acc: number) => plot.top + (1 - acc) * plot.height
  const grey = [200, 200, 200]
  const ink = [0, 0, 0]
  for (let t = 0; t <= 10; t += 2) {
    line(X((t / 10) * xMax), plot.top, X((t / 10) * xMax), plot.top + plot.height, grey)
    line(plot.left, Y(t / 10), plot.left + plot.width, Y(t / 10), grey)
    // drawText indexes pixels directly: positions must be integers.
    drawText(canvas, Math.round(X((t / 10) * xMax)) - 8, plot.top + plot.height + 6, tick((t / 10) * xMax), ink)
    drawText(canvas, plot.left - 26, Math.round(Y(t / 10)) - 3, (t / 10).toFixed(1), ink)
  }
  drawText(canvas, plot.left, 10, chart.title, ink, 2)
  drawText(canvas, plot.left + 40, plot.top + plot.height + 22, chart.xLabel, ink)
  drawText(canvas, 4, plot.top - 14, 'ACCURACY', ink)
  chart.series.forEach((s, i) => {
    const c = PALETTE[(s.color ?? i) % PALETTE.length]
    for (let k = 1; k < s.x.length; k++) line(X(s.x[k - 1]), Y(s.y[k - 1]), X(s.x[k]), Y(s.y[k]), c, s.dashed)
    const ly = plot.top + i * 14
    line(plot.left + plot.width + 16, ly + 3, plot.left + plot.width + 36, ly + 3, c, s.dashed)
    drawText(canvas, plot.left + plot.width + 42, ly, s.name, ink)
  })
  return encodePng(canvas.data, H, W, 3)
}
