import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readNpy } from '../../engine/models/npy'
import { runCli, runCliOk } from '../cli-process'

const root = mkdtempSync(join(tmpdir(), 'hfc-decompose-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** x_l by the definition, one naive 2-D DFT per image: centred spectrum, keep bins with distance < r, real part. */
function naiveLowPass(image: Float32Array, n: number, r: number): Float64Array {
  const re = new Float64Array(n * n)
  const im = new Float64Array(n * n)
  for (let u = 0; u < n; u++)
    for (let v = 0; v < n; v++) {
      // Bin (u, v) sits at (u - n/2, v - n/2) after centring; compare with the mask there.
      const du = ((u + Math.floor(n / 2)) % n) - Math.floor(n / 2)
      const dv = ((v + Math.floor(n / 2)) % n) - Math.floor(n / 2)
      if (Math.hypot(du, dv) >= r) continue
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) {
          const angle = (-2 * Math.PI * (u * y + v * x)) / n
          re[u * n + v] += image[y * n + x] * Math.cos(angle)
          im[u * n + v] += image[y * n + x] * Math.sin(angle)
        }
    }
  const out = new Float64Array(n * n)
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      let sum = 0
      for (let u = 0; u < n; u++)
        for (let v = 0; v < n; v++) {
          const angle = (2 * Math.PI * (u * y + v * x)) / n
          sum += re[u * n + v] * Math.cos(angle) - im[u * n + v] * Math.sin(angle)
        }
      out[y * n + x] = sum / (n * n)
    }
  return out
}

describe('hfc-lab decompose --format', () => {
  it('npy writes only x.npy, low.npy and high.npy, equal to the arrays of --format both and to a naive DFT', async () => {
    const arrays = join(root, 'arrays')
    const both = join(root, 'both')
    const args = ['decompose', '--data', 'mnist', '--radius', '8', '--indices', '0-15']
    await runCliOk([...args, '--format', 'npy', '--out', arrays])
    await runCliOk([...args, '--npy', '--out', both])
    expect(readdirSync(arrays).sort()).toEqual(['high.npy', 'low.npy', 'x.npy'])
    expect(readdirSync(both).filter((f) => f.endsWith('.png'))).toHaveLength(16 * 3)
    for (const name of ['x', 'low', 'high']) {
      const a = readNpy(join(arrays, `${name}.npy`))
      expect(a.shape).toEqual([16, 28, 28, 1])
      expect(a.data).toEqual(readNpy(join(both, `${name}.npy`)).data)
    }
    const x = readNpy(join(arrays, 'x.npy')).data
    const low = readNpy(join(arrays, 'low.npy')).data
    const high = readNpy(join(arrays, 'high.npy')).data
    for (const k of [0, 7]) {
      const plane = 28 * 28
      const reference = naiveLowPass(x.subarray(k * plane, (k + 1) * plane), 28, 8)
      let worst = 0
      for (let p = 0; p < plane; p++) {
        worst = Math.max(
          worst,
          Math.abs(low[k * plane + p] - reference[p]),
          Math.abs(high[k * plane + p] - (x[k * plane + p] - reference[p])),
        )
      }
      expect(worst).toBeLessThan(1e-5)
    }
  })

  it('refuses an unknown format and --npy with --format png', async () => {
    const bad = await runCli(['decompose', '--data', 'mnist', '--radius', '8', '--out', join(root, 'bad'), '--format', 'tiff'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('--format must be png, npy or both, got "tiff"')
    const clash = await runCli(['decompose', '--data', 'mnist', '--radius', '8', '--out', join(root, 'bad'), '--format', 'png', '--npy'])
    expect(clash.stderr).toContain('use --format both')
  })
})
