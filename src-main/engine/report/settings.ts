import type { CurvePresetSettings } from '../../protocol/attacks'
import { defaultD2Radius, type Defense } from '../../protocol/models'
import type { ReportPreset, ReportSelection, ReportSettings } from '../../protocol/report'
import { listCurvePresets } from '../eval/curve-presets'

/** What a report run's settings depend on besides the preset. */
export interface ReportInputs {
  preset: ReportPreset
  /** H, W, C of the model's input. */
  shape: [number, number, number]
  /** Width of the first conv layer's kernels (D2's default radius is half of it). */
  kernelSize: number
  limit?: number
  seed: number
}

/** The SVD control's k values of docs/algorithms.md §SVD check, up to the image's rank. */
const SVD_KS = [1, 2, 4, 8, 12, 16, 20]

/** Images of the attack sections in the quick preset: enough for a curve, few enough for 2 cores. */
const QUICK_ATTACK_N = 32
/** Images of the other sections in the quick preset. */
const QUICK_WIDE_LIMIT = 300

function curvePreset(id: string, h: number, w: number): CurvePresetSettings {
  const preset = listCurvePresets(h, w).find((p) => p.id === id)
  if (!preset) throw new Error(`curve preset ${id} is missing`)
  return preset.settings
}

/**
 * Every parameter of a report run. `paper` uses the settings of docs/algorithms.md: the curve
 * presets `paper` and `defenses-direct` (100 images drawn with the seed), Figure 1 and the radius
 * curve over the whole data set at the middle D1 preset radius, the SVD k values 1-20, D2 at half
 * the first kernel width, and the heat map at every frequency with Yin et al.'s per-pixel strength
 * (v = 4 at 32 × 32, scaled by the image side). `quick` keeps every section but draws fewer images
 * and keeps one D1 and one D2 radius, so the embedded MNIST model finishes in minutes on 2 cores.
 * `limit` restricts every section to the first N images.
 */
export function reportSettings({ preset, shape, kernelSize, limit, seed }: ReportInputs): ReportSettings {
  const [h, w] = shape
  const paper = curvePreset('paper', h, w)
  const direct = curvePreset('defenses-direct', h, w)
  const d1Middle = direct.defenses.find((d): d is Extract<Defense, { kind: 'd1' }> => d.kind === 'd1')
  const radius = d1Middle?.radius ?? Math.floor(Math.min(h, w) / 4)
  const d2Radius = defaultD2Radius(kernelSize)
  const quick = preset === 'quick'
  const attackN = quick ? QUICK_ATTACK_N : paper.n
  const wideLimit = quick ? QUICK_WIDE_LIMIT : undefined
  const wideSelection: ReportSelection =
    limit !== undefined || wideLimit !== undefined ? { limit: Math.min(limit ?? Infinity, wideLimit ?? Infinity) } : {}
  const attackSelection: ReportSelection = { ...(limit !== undefined ? { limit } : {}), n: Math.min(attackN, limit ?? attackN), seed }
  const halfDiagonal = Math.floor(Math.hypot(h / 2, w / 2)) + 1
  const radiusStep = quick ? 2 : 1
  const radii = Array.from({ length: Math.ceil(halfDiagonal / radiusStep) }, (_, k) => 1 + k * radiusStep)
  const curveDefenses: Defense[] = quick ? [{ kind: 'none' }, { kind: 'd1', radius }, { kind: 'd2', radii: [d2Radius] }] : paper.defenses
  return {
    preset,
    seed,
    wideSelection,
    attackSelection,
    figure1: { radius, mask: { kind: 'circle', rule: 'strict' }, svdKs: SVD_KS.filter((k) => k < Math.min(h, w)), shown: 8 },
    radius: { radii },
    curves: { ...paper, defenses: curveDefenses, n: attackSelection.n ?? attackN, seed, points: 101 },
    direct: {
      ...direct,
      defenses: [{ kind: 'none' }, { kind: 'd1', radius }, { kind: 'd2', radii: [d2Radius] }],
      n: attackSelection.n ?? attackN,
      seed,
      points: 101,
      exampleEps: 1,
      examples: 8,
    },
    gallery: { attacks: paper.attacks.filter((a) => ['hf', 'single-pixel', 'salt-pepper'].includes(a.id)), shown: 8 },
    kernels: { radius: d2Radius, mode: 'kernel' },
    heatmap: { eps: Number((4 * Math.sqrt((h * w) / 1024)).toFixed(3)), stride: quick ? 2 : Math.max(1, Math.round(Math.min(h, w) / 64)) },
  }
}
