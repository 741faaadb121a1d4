import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { listCurvePresets } from '../../../../src-main/engine/eval/curve-presets'
import { findChromium, reportSettings } from '../../../../src-main/engine/report'

describe('reportSettings', () => {
  it('paper: the curve presets of docs/algorithms.md, every image for the other sections, every frequency', () => {
    const s = reportSettings({ preset: 'paper', shape: [28, 28, 1], kernelSize: 5, seed: 0 })
    const paper = listCurvePresets(28, 28).find((p) => p.id === 'paper')!.settings
    expect(s.curves.attacks).toEqual(paper.attacks)
    expect(s.curves.defenses).toEqual(paper.defenses)
    expect(s.attackSelection).toEqual({ n: 100, seed: 0 })
    expect(s.wideSelection).toEqual({})
    expect(s.figure1.radius).toBe(8)
    expect(s.kernels.radius).toBe(2)
    expect(s.heatmap).toEqual({ eps: 3.5, stride: 1 })
    expect(s.radius.radii).toEqual(Array.from({ length: 20 }, (_, k) => k + 1))
  })

  it('quick: fewer images, one D1 and one D2 radius; --limit caps every section', () => {
    const s = reportSettings({ preset: 'quick', shape: [32, 32, 3], kernelSize: 3, seed: 7, limit: 10 })
    expect(s.attackSelection).toEqual({ limit: 10, n: 10, seed: 7 })
    expect(s.wideSelection).toEqual({ limit: 10 })
    // D2 at half the width of 3x3 kernels (r = 2 would keep every bin), D1 at the middle 32x32 preset.
    expect(s.curves.defenses).toEqual([{ kind: 'none' }, { kind: 'd1', radius: 12 }, { kind: 'd2', radii: [1] }])
    expect(s.heatmap.stride).toBe(2)
  })
})

describe('findChromium', () => {
  it('takes $HFC_CHROMIUM when it can be run, and nothing when it cannot', () => {
    expect(findChromium({ HFC_CHROMIUM: process.execPath })).toBe(process.execPath)
    expect(findChromium({ HFC_CHROMIUM: '/nonexistent/chromium' })).toBeNull()
    expect(findChromium({ PATH: '' })).toBe(existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null)
  })
})
