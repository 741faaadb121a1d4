import { describe, expect, it } from 'vitest'
import { parseShardSpec } from '../../../../src-main/cli/shard/shard-spec'

describe('parseShardSpec', () => {
  it('reads an explicit I/N, 0-based', () => {
    expect(parseShardSpec('0/4', {})).toEqual({ index: 0, count: 4 })
    expect(parseShardSpec(' 3/4 ', {})).toEqual({ index: 3, count: 4 })
  })

  it('takes the index from a Kubernetes Indexed Job and the count from the option', () => {
    expect(parseShardSpec('auto/4', { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 2, count: 4 })
  })

  it('counts Slurm array positions from the array minimum and step, and takes the count from Slurm', () => {
    expect(parseShardSpec('auto', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({
      index: 0,
      count: 4,
    })
    expect(
      parseShardSpec('auto', {
        SLURM_ARRAY_TASK_ID: '4',
        SLURM_ARRAY_TASK_MIN: '0',
        SLURM_ARRAY_TASK_STEP: '2',
        SLURM_ARRAY_TASK_COUNT: '4',
      }),
    ).toEqual({ index: 2, count: 4 })
    expect(parseShardSpec('auto/4', { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 3, count: 4 })
  })

  it('refuses specs that cannot name one shard, saying what to write', () => {
    expect(() => parseShardSpec('4/4', {})).toThrow(/below the shard count/)
    expect(() => parseShardSpec('2', {})).toThrow(/needs the shard count/)
    expect(() => parseShardSpec('1-4', {})).toThrow(/must look like I\/N/)
    expect(() => parseShardSpec('auto/4', {})).toThrow(/JOB_COMPLETION_INDEX .*SLURM_ARRAY_TASK_ID/)
    expect(() => parseShardSpec('auto', { JOB_COMPLETION_INDEX: '1' })).toThrow(/auto\/N/)
    expect(() => parseShardSpec('auto/3', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow(/make them agree/)
    expect(() => parseShardSpec('auto/4', { JOB_COMPLETION_INDEX: 'x' })).toThrow(/whole number/)
  })
})
