/**
 * A 5×7 bitmap font for labels in exported PNGs. Node has no canvas, and SVG text through sharp
 * depends on the fonts installed where the app runs (none on minimal servers), so captions are
 * drawn from these glyphs, identically everywhere. Lower case is drawn as upper case; characters
 * without a glyph as '?'.
 */
export const GLYPH_WIDTH = 5
export const GLYPH_HEIGHT = 7
/** Horizontal advance per character and line height, in pixels at scale 1. */
export const CHAR_ADVANCE = GLYPH_WIDTH + 1
export const LINE_HEIGHT = GLYPH_HEIGHT + 2

const GLYPHS: Record<string, string> = {
  A: '.###. #...# #...# ##### #...# #...# #...#',
  B: '####. #...# #...# ####. #...# #...# ####.',
  C: '.###. #...# #.... #.... #.... #...# .###.',
  D: '####. #...# #...# #...# #...# #...# ####.',
  E: '##### #.... #.... ####. #.... #.... #####',
  F: '##### #.... #.... ####. #.... #.... #....',
  G: '.###. #...# #.... #.### #...# #...# .####',
  H: '#...# #...# #...# ##### #...# #...# #...#',
  I: '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  J: '..### ...#. ...#. ...#. ...#. #..#. .##..',
  K: '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
  L: '#.... #.... #.... #.... #.... #.... #####',
  M: '#...# ##.## #.#.# #.#.# #...# #...# #...#',
  N: '#...# #...# ##..# #.#.# #..## #...# #...#',
  O: '.###. #...# #...# #...# #...# #...# .###.',
  P: '####. #...# #...# ####. #.... #.... #....',
  Q: '.###. #...# #...# #...# #.#.# #..#. .##.#',
  R: '####. #...# #...# ####. #.#.. #..#. #...#',
  S: '.#### #.... #.... .###. ....# ....# ####.',
  T: '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  U: '#...# #...# #...# #...# #...# #...# .###.',
  V: '#...# #...# #...# #...# #...# .#.#. ..#..',
  W: '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
  X: '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
  Y: '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..',
  Z: '##### ....# ...#. ..#.. .#... #.... #####',
  '0': '.###. #...# #..## #.#.# ##..# #...# .###.',
  '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####',
  '3': '##### ...#. ..#.. ...#. ....# #...# .###.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
  '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '..##. .#... #.... ####. #...# #...# .###.',
  '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.',
  '9': '.###. #...# #...# .#### ....# ...#. .##..',
  ' ': '..... ..... ..... ..... ..... ..... .....',
  '.': '..... ..... ..... ..... ..... .##.. .##..',
  ',': '..... ..... ..... ..... .##.. ..#.. .#...',
  ':': '..... .##.. .##.. ..... .##.. .##.. .....',
  ';': '..... .##.. .##.. ..... .##.. ..#.. .#...',
  '=': '..... ..... ##### ..... ##### ..... .....',
  '-': '..... ..... ..... ##### ..... ..... .....',
  '+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....',
  '/': '..... ....# ...#. ..#.. .#... #.... .....',
  '%': '##... ##..# ...#. ..#.. .#... #..## ...##',
  '(': '...#. ..#.. .#... .#... .#... ..#.. ...#.',
  ')': '.#... ..#.. ...#. ...#. ...#. ..#.. .#...',
  '[': '.###. .#... .#... .#... .#... .#... .###.',
  ']': '.###. ...#. ...#. ...#. ...#. ...#. .###.',
  '#': '.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.',
  '?': '.###. #...# ....# ...#. ..#.. ..... ..#..',
  '!': '..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..',
  _: '..... ..... ..... ..... ..... ..... #####',
  "'": '..#.. ..#.. .#... ..... ..... ..... .....',
  '"': '.#.#. .#.#. ..... ..... ..... ..... .....',
  '<': '...#. ..#.. .#... #.... .#... ..#.. ...#.',
  '>': '.#... ..#.. ...#. ....# ...#. ..#.. .#...',
  '*': '..... ..#.. #.#.# .###. #.#.# ..#.. .....',
  '&': '.##.. #..#. #.#.. .#... #.#.# #..#. .##.#',
  '@': '.###. #...# #.### #.#.# #.### #.... .###.',
}

/** Each glyph as 7 rows of 5 on/off pixels. */
const BITMAPS = new Map(Object.entries(GLYPHS).map(([ch, rows]) => [ch, rows.split(' ').map((r) => Array.from(r, (p) => p === '#'))]))

function glyph(ch: string): boolean[][] {
  return BITMAPS.get(ch.toUpperCase()) ?? (BITMAPS.get('?') as boolean[][])
}

/** An RGB (3-channel) or grey (1-channel) canvas of uint8 pixels. */
export interface Canvas {
  data: Uint8Array
  width: number
  height: number
  channels: number
}

/** Width in pixels of `text` at `scale`. */
export function textWidth(text: string, scale = 1): number {
  return text.length ? (text.length * CHAR_ADVANCE - 1) * scale : 0
}

/** Cuts `text` to at most `maxChars` characters, marking the cut with a final '.'. */
export function fitText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  return maxChars <= 1 ? text.slice(0, Math.max(0, maxChars)) : `${text.slice(0, maxChars - 1)}.`
}

/** Draws `text` with its top-left corner at (x, y); pixels outside the canvas are skipped. */
export function drawText(canvas: Canvas, x: number, y: number, text: string, color: number[], scale = 1): void {
  const { data, width, height, channels } = canvas
  for (let n = 0; n < text.length; n++) {
    const rows = glyph(text[n])
    const left = x + n * CHAR_ADVANCE * scale
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (!rows[gy][gx]) continue
        for (let sy = 0; sy < scale; sy++) {
          const py = y + gy * scale + sy
          if (py < 0 || py >= height) continue
          for (let sx = 0; sx < scale; sx++) {
            const px = left + gx * scale + sx
            if (px < 0 || px >= width) continue
            for (let k = 0; k < channels; k++) data[(py * width + px) * channels + k] = color[k] ?? color[0]
          }
        }
      }
    }
  }
}
