import { CHAR_ADVANCE, LINE_HEIGHT, drawText, fitText, type Canvas } from './bitmap-font'
import { downscaleArea, fitInside, upscaleNearest, type HwcImage } from './image-resize'
import { encodePng, toBytes } from './png'

/** Images are shown at about this size: small ones enlarged by a whole factor, large ones reduced. */
const TARGET_SIDE = 96
const MAX_SIDE = 128
const MARGIN = 8
const GAP = 6
/** Narrowest column, in characters, so captions stay legible beside tiny images. */
const MIN_CHARS = 15

export type TextTone = 'text' | 'muted' | 'good' | 'bad'

const TONES: Record<TextTone, number[]> = {
  text: [0, 0, 0],
  muted: [110, 110, 110],
  good: [0, 110, 0],
  bad: [190, 0, 0],
}

export interface CaptionLine {
  text: string
  tone?: TextTone
}

export interface SheetCell {
  /** uint8 HWC at the sheet's display size (see sheetImage), 1 or 3 channels. */
  image: HwcImage<Uint8Array>
  lines: CaptionLine[]
}

/** The size at which the sheet shows an image of `height` × `width`. */
export function sheetImageSize(height: number, width: number): [number, number] {
  const side = Math.max(height, width)
  if (side > MAX_SIDE) return fitInside(height, width, MAX_SIDE)
  const factor = Math.max(1, Math.floor(TARGET_SIDE / side))
  return [height * factor, width * factor]
}

/** A float [0, 1] HWC image brought to the sheet's display size, as 8-bit pixels. */
export function sheetImage(values: Float32Array, height: number, width: number, channels: number): HwcImage<Uint8Array> {
  const [h, w] = sheetImageSize(height, width)
  if (h < height) return { data: toBytes(downscaleArea({ data: values, height, width, channels }, h, w)), height: h, width: w, channels }
  const bytes = toBytes(values)
  const factor = h / height
  return { data: factor > 1 ? upscaleNearest({ data: bytes, height, width, channels }, factor) : bytes, height: h, width: w, channels }
}

/**
 * The Appendix C figure: one row per sample, one column per image (original, then each attack),
 * each captioned in the built-in bitmap font, with a title and column headers; white background,
 * RGB. Rows are held until render(), so the caller pages long galleries.
 */
export class ContactSheet {
  private readonly rows: SheetCell[][] = []

  constructor(
    private readonly title: string,
    private readonly columns: string[],
  ) {}

  get rowCount(): number {
    return this.rows.length
  }

  add(cells: SheetCell[]): void {
    if (cells.length !== this.columns.length) throw new RangeError(`a sheet row needs ${this.columns.length} cells, got ${cells.length}`)
    this.rows.push(cells)
  }

  /** The sheet as PNG; empties the sheet for the next page. */
  async render(): Promise<Buffer> {
    const first = this.rows[0]?.[0]?.image
    const imageWidth = first?.width ?? 0
    const imageHeight = first?.height ?? 0
    const lines = Math.max(0, ...this.rows.flat().map((c) => c.lines.length))
    const columnWidth = Math.max(imageWidth, MIN_CHARS * CHAR_ADVANCE)
    const chars = Math.floor((columnWidth + 1) / CHAR_ADVANCE)
    const rowHeight = imageHeight + 3 + lines * LINE_HEIGHT + GAP
    const header = MARGIN + 2 * LINE_HEIGHT + 4
    const width = Math.max(2 * MARGIN + this.columns.length * (columnWidth + GAP) - GAP, 2 * MARGIN + this.title.length * CHAR_ADVANCE)
    const height = header + this.rows.length * rowHeight + MARGIN
    const canvas: Canvas = { data: new Uint8Array(width * height * 3).fill(255), width, height, channels: 3 }
    drawText(canvas, MARGIN, MARGIN, this.title, TONES.text)
    this.columns.forEach((name, col) =>
      drawText(canvas, MARGIN + col * (columnWidth + GAP), MARGIN + LINE_HEIGHT + 2, fitText(name, chars), TONES.text),
    )
    this.rows.forEach((cells, row) => {
      const top = header + row * rowHeight
      cells.forEach((cell, col) => {
        const left = MARGIN + col * (columnWidth + GAP)
        paste(canvas, cell.image, left + ((columnWidth - cell.image.width) >> 1), top)
        cell.lines.forEach((line, k) =>
          drawText(canvas, left, top + cell.image.height + 3 + k * LINE_HEIGHT, fitText(line.text, chars), TONES[line.tone ?? 'text']),
        )
      })
    })
    this.rows.length = 0
    return encodePng(canvas.data, height, width, 3)
  }
}

function paste(canvas: Canvas, image: HwcImage<Uint8Array>, left: number, top: number): void {
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const target = ((top + y) * canvas.width + left + x) * 3
      const source = (y * image.width + x) * image.channels
      for (let k = 0; k < 3; k++) canvas.data[target + k] = image.data[source + (image.channels === 1 ? 0 : k)]
    }
  }
}
