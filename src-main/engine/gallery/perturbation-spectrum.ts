import type { ImageShape } from '../data/dataset'
import { halfDiagonal, radialEnergyProfile } from '../spectral'

/**
 * The mean radial energy profile of x_adv − x over many batches (docs/algorithms.md §Beyond the paper), without keeping the
 * perturbations. radialEnergyProfile sums energy over images and then normalises; by Parseval the
 * total energy of a batch is proportional to Σ δ², so weighting each batch's normalised profile by
 * its Σ δ² restores the sums, and the merged profile equals the profile of all images at once.
 */
export class PerturbationSpectrum {
  private sum: Float64Array | null = null
  private total = 0

  constructor(private readonly shape: ImageShape) {}

  /** Adds the perturbations of the samples where `include` is 1 (N images of the shape, flat). */
  add(clean: Float32Array, adversarial: Float32Array, include: ArrayLike<number>): void {
    const size = this.shape[0] * this.shape[1] * this.shape[2]
    const picked: number[] = []
    for (let i = 0; i < include.length; i++) if (include[i]) picked.push(i)
    if (picked.length === 0) return
    const delta = new Float32Array(picked.length * size)
    let energy = 0
    picked.forEach((i, slot) => {
      for (let k = 0; k < size; k++) {
        const d = adversarial[i * size + k] - clean[i * size + k]
        delta[slot * size + k] = d
        energy += d * d
      }
    })
    if (energy === 0) return
    const profile = radialEnergyProfile({ data: delta, shape: [picked.length, ...this.shape] })
    this.sum ??= new Float64Array(profile.length)
    for (let k = 0; k < profile.length; k++) this.sum[k] += profile[k] * energy
    this.total += energy
  }

  /** The merged profile, normalised to sum 1; all zeros when no added sample had a perturbation. */
  profile(): number[] {
    if (!this.sum) return new Array<number>(Math.floor(halfDiagonal(this.shape[0], this.shape[1])) + 1).fill(0)
    return Array.from(this.sum, (v) => v / this.total)
  }
}
