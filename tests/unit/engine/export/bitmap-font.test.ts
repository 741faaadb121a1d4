import { describe, expect, it } from 'vitest'
import { CHAR_ADVANCE, GLYPH_HEIGHT, drawText, fitText, textWidth, type Canvas } from '../../../../src-main/engine/export/bitmap-font'

function blank(width: number, height: number): Canvas {
  return { data: new Uint8Array(width * height).fill(255), width, height, channels: 1 }
}

/** The canvas as rows of '#' (ink) and '.' (paper). */
function picture(canvas: Canvas): string[] {
  return Array.from({ length: canvas.height }, (_, y) =>
    Array.from(canvas.data.subarray(y * canvas.width, (y + 1) * canvas.width), (v) => (v === 0 ? '#' : '.')).join(''),
  )
}

describe('bitmap font', () => {
  it('draws the 5x7 glyph of a digit at the given corner', () => {
    const canvas = blank(7, 9)
    drawText(canvas, 1, 1, '7', [0])
    expect(picture(canvas)).toEqual(['.......', '.#####.', '.....#.', '....#..', '...#...', '..#....', '..#....', '..#....', '.......'])
  })

  it('draws lower case as upper case and unknown characters as a question mark', () => {
    const lower = blank(12, GLYPH_HEIGHT)
    const upper = blank(12, GLYPH_HEIGHT)
    drawText(lower, 0, 0, 'ab', [0])
    drawText(upper, 0, 0, 'AB', [0])
    expect(picture(lower)).toEqual(picture(upper))
    const unknown = blank(5, GLYPH_HEIGHT)
    const question = blank(5, GLYPH_HEIGHT)
    drawText(unknown, 0, 0, 'é', [0])
    drawText(question, 0, 0, '?', [0])
    expect(picture(unknown)).toEqual(picture(question))
  })

  it('clips at the canvas edges, scales glyphs and colours every channel', () => {
    const small = blank(3, 3)
    drawText(small, -2, -2, '8', [0])
    expect(picture(small).join('')).toContain('#')
    const rgb: Canvas = { data: new Uint8Array(10 * 14 * 3).fill(255), width: 10, height: 14, channels: 3 }
    drawText(rgb, 0, 0, '1', [200, 10, 20], 2)
    const inked = [...Array(10 * 14).keys()].filter((p) => rgb.data[p * 3] === 200)
    expect(inked.length).toBe(4 * 10)
    for (const p of inked) expect([rgb.data[p * 3 + 1], rgb.data[p * 3 + 2]]).toEqual([10, 20])
  })

  it('measures and cuts text by whole characters', () => {
    expect(textWidth('abc')).toBe(3 * CHAR_ADVANCE - 1)
    expect(textWidth('')).toBe(0)
    expect(fitText('salt-pepper', 20)).toBe('salt-pepper')
    expect(fitText('High Frequency (HF)', 10)).toBe('High Freq.')
  })
})
