import { blockFill, heatColour } from '../../protocol/heatmap'
import { CHAR_ADVANCE, GLYPH_HEIGHT, drawText, textWidth, type Canvas } from './bitmap-font'
import { encodePng } from './png'

export interface HeatmapPicture {
  /** Centred H x W grid (NaN: not evaluated). */
  grid: Float32Array
  h: number
  w: number
  stride: number
  /** Top of the colour scale (0 is the bottom). */
  scaleMax: number
  title: string
}

function fill(canvas: Canvas, x: number, y: number, width: number, height: number, colour: number[]): void {
  for (let py = Math.max(0, y); py < Math.min(canvas.height, y + height); py++) {
    for (let px = Math.max(0, x); px < Math.min(canvas.width, x + width); px++) {
      for (let k = 0; k < 3; k++) canvas.data[(py * canvas.width + px) * 3 + k] = colour[k]
    }
  }
}

/**
 * The heat map as an RGB PNG (docs/algorithms.md §Fourier heat map): cells coloured on a scale from
 * 0 to scaleMax, the frequency axes labelled at their ends and at zero (u down, v across), and a
 * colour bar with its end values; a coarse grid says its stride in the caption.
 */
export async function heatmapPng(picture: HeatmapPicture): Promise<Buffer> {
  const { h, w, stride, scaleMax } = picture
  const grid = blockFill(picture.grid, h, w, stride)
  const cell = Math.max(1, Math.round(336 / Math.max(h, w)))
  const left = 40
  const top = 34
  const barWidth = 14
  const mapW = w * cell
  const mapH = h * cell
  const width = left + mapW + 20 + barWidth + 60
  const height = top + mapH + 34
  const canvas: Canvas = { data: new Uint8Array(width * height * 3).fill(255), width, height, channels: 3 }
  const ink = [0, 0, 0]
  drawText(canvas, 6, 6, picture.title, ink)
  drawText(canvas, 6, 18, stride > 1 ? `stride ${stride}: every ${stride}-th frequency per axis` : 'every frequency', [90, 90, 90])
  for (let a = 0; a < h; a++) {
    for (let b = 0; b < w; b++) fill(canvas, left + b * cell, top + a * cell, cell, cell, heatColour(grid[a * w + b] / (scaleMax || 1)))
  }
  // Axis ticks: the first offset, zero and the last offset of each axis.
  const cy = Math.floor(h / 2)
  const cx = Math.floor(w / 2)
  for (const a of [0, cy, h - 1]) {
    const label = String(a - cy)
    drawText(canvas, left - 4 - textWidth(label), top + a * cell + Math.floor((cell - GLYPH_HEIGHT) / 2), label, ink)
  }
  for (const b of [0, cx, w - 1]) {
    const label = String(b - cx)
    drawText(canvas, left + b * cell + Math.floor(cell / 2) - Math.floor(textWidth(label) / 2), top + mapH + 4, label, ink)
  }
  drawText(canvas, left + Math.floor(mapW / 2) - CHAR_ADVANCE, top + mapH + 16, 'v', ink)
  drawText(canvas, 6, top + Math.floor(mapH / 2) - 3, 'u', ink)
  // Colour bar: top = scaleMax, bottom = 0.
  const barX = left + mapW + 20
  for (let y = 0; y < mapH; y++) fill(canvas, barX, top + y, barWidth, 1, heatColour(1 - y / Math.max(1, mapH - 1)))
  drawText(canvas, barX + barWidth + 4, top, scaleMax.toFixed(2), ink)
  drawText(canvas, barX + barWidth + 4, top + mapH - GLYPH_HEIGHT, '0', ink)
  return encodePng(canvas.data, height, width, 3)
}
