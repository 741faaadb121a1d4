import { describe, expect, it } from 'vitest'
import { amplification } from '../../../../src-main/engine/gallery'
import { displayPixels } from '../../../../src-main/engine/gallery/display-pixels'
import { openDefaultDataset } from '../../../../src-main/engine/data'

describe('gallery display pixels', () => {
  it('amplifies perturbations by the largest round factor that keeps them in range', () => {
    expect(amplification(1)).toBe(0.5)
    expect(amplification(0.3)).toBe(1)
    expect(amplification(0.02)).toBe(20)
    expect(amplification(0.0001)).toBe(1000)
    expect(amplification(0)).toBe(1)
  })

  it('sends large images as uint8 thumbnails of at most 64 px, perturbation and spectrum included', async () => {
    const dataset = await openDefaultDataset('imagenet-samples', { size: [160, 224] })
    const [h, w, c] = dataset.info.shape
    const clean = await dataset.read([0])
    const adversarial = clean.map((v, k) => (k % 97 === 0 ? 1 - v : v))
    let linf = 0
    adversarial.forEach((v, k) => (linf = Math.max(linf, Math.abs(v - clean[k]))))
    const [row] = displayPixels(clean, { hf: adversarial }, { hf: Float32Array.of(linf) }, 1, [h, w, c])
    const side = Math.max(h, w)
    const expected = [Math.round((h * 64) / side), Math.round((w * 64) / side)]
    expect(row.original.encoding).toBe('uint8')
    expect(row.original.shape).toEqual([...expected, c])
    expect(row.attacks.hf.adversarial.shape).toEqual([...expected, c])
    expect(row.attacks.hf.perturbation.data).toBeInstanceOf(Uint8Array)
    expect(row.attacks.hf.spectrum.shape).toEqual([...expected, 1])
    expect(row.attacks.hf.factor).toBe(amplification(linf))
  })
})
