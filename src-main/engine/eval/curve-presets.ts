import type { CurvePresetInfo, CurvePresetSettings } from '../../protocol/attacks'
import type { Defense } from '../../protocol/models'
import { defaultRMin } from '../attacks/hf-schedule'

/**
 * The named curve presets: one home for the settings the Attacks view and `hfc-lab curve
 * --preset` apply (docs/algorithms.md §evaluation protocol). Each resolves its radii for the
 * image size, because the D1/D2 radii of the paper's figures depend on it.
 */
interface CurvePreset {
  id: string
  label: string
  description: string
  figures: string[]
  settings(height: number, width: number): CurvePresetSettings
}

/**
 * D1 radii of the Figure-2 sweep: the project's presets for 28×28, 32×32 and 224×224 inputs
 * (the paper's own radii are not published; docs/algorithms.md §D1).
 */
function d1Radii(n: number): number[] {
  if (n <= 30) return [4, 8, 12]
  if (n <= 128) return [8, 12, 16]
  return [16, 32, 64]
}

/**
 * D2 variants of the Figure-3 sweep: two kernel-grid radii, each on the first conv layer alone
 * and on the first layers together (docs/algorithms.md §D2). Small inputs go with 5×5 first
 * kernels (radii 1 and 2, conv2 at the same radius); large ones with AlexNet's 11×11 conv1
 * (radii 4 and 6, then conv2 at 2 and conv3 at 1).
 */
function d2Variants(n: number): Defense[] {
  if (n <= 128) return [[1], [2], [1, 1], [2, 2]].map((radii) => ({ kind: 'd2', radii }))
  return [[4], [6], [4, 2, 1], [6, 2, 1]].map((radii) => ({ kind: 'd2', radii }))
}

const SAMPLES = { n: 100, seed: 0 }

const PRESETS: CurvePreset[] = [
  {
    id: 'paper',
    label: 'Paper figures',
    description:
      'The paper’s Figures 2-4 in one run: FGSM and DeepFool adversarials made on the original model and scored through D1 at three radii and D2 at two radii on one or two layers (transfer protocol), and HF against SinglePixel and Salt & Pepper on the undefended model, on the L∞ axis of pixels on [0, 1]. The defended curves lie above the undefended ones because these attacks stop at the first adversarial of the original model; watch the clean accuracy of each defense (D2 at r = 1 keeps only the mean of each 5×5 kernel).',
    figures: ['2', '3', '4'],
    settings: (height, width) => {
      const n = Math.min(height, width)
      return {
        attacks: [
          { id: 'fgsm', params: {} },
          { id: 'deepfool', params: {} },
          { id: 'hf', params: { rMin: defaultRMin(height, width) } },
          { id: 'single-pixel', params: {} },
          { id: 'salt-pepper', params: {} },
        ],
        defenses: [{ kind: 'none' }, ...d1Radii(n).map((radius): Defense => ({ kind: 'd1', radius })), ...d2Variants(n)],
        protocols: ['transfer'],
        norm: 'linf',
        ...SAMPLES,
      }
    },
  },
  {
    id: 'defenses-direct',
    label: 'Defenses under direct attack',
    description:
      'The other side of Figures 2-3: L∞ PGD with a fixed budget ε = 0.3 spends its whole budget instead of stopping at the first adversarial. Its adversarials go through D1 and D2 even when transferred from the original model, and attacking each defended model itself (through D1’s differentiable low pass, the adaptive protocol; D2 directly) fools it on nearly every image. The lift of the paper figures comes from attacks that stop at the first adversarial.',
    figures: [],
    settings: (height, width) => {
      const n = Math.min(height, width)
      return {
        attacks: [{ id: 'pgd', params: { norm: 'linf', epsilons: [0.3] } }],
        defenses: [{ kind: 'none' }, { kind: 'd1', radius: d1Radii(n)[1] }, d2Variants(n)[1]],
        protocols: ['transfer', 'direct', 'adaptive'],
        norm: 'linf',
        ...SAMPLES,
      }
    },
  },
]

/** Every preset with its settings for images of height × width. */
export function listCurvePresets(height = 28, width = 28): CurvePresetInfo[] {
  return PRESETS.map(({ settings, ...info }) => ({ ...info, settings: settings(height, width) }))
}
