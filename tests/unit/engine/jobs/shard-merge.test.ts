import { describe, expect, it } from 'vitest'
import { mergeGradients } from '../../../../src-main/engine/jobs/shard-merge'
import type { GradientMaps } from '../../../../src-main/protocol/models'

const part = (indices: number[], value: number, profile: number[]): GradientMaps => ({
  indices: Int32Array.from(indices),
  labels: Int32Array.from(indices, (i) => i % 10),
  shape: [1, 2, 1],
  gradient: new Float32Array(indices.length * 2).fill(value),
  gradientProfile: profile,
  imageProfile: profile,
  engine: 'tfjs',
})

describe('merging sharded gradient maps', () => {
  it('concatenates in selection order and weights the profiles by batch size', () => {
    const merged = mergeGradients([part([0, 1, 2], 1, [1, 0]), part([3], 2, [0, 1])])
    expect(Array.from(merged.indices)).toEqual([0, 1, 2, 3])
    expect(Array.from(merged.gradient)).toEqual([1, 1, 1, 1, 1, 1, 2, 2])
    expect(merged.gradientProfile).toEqual([0.75, 0.25])
  })
})
