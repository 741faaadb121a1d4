import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { buildProgram } from '../../../src-main/cli/program'
import { datasetSpec, modelSpec } from '../../../src-main/cli/specs'

function commands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(commands)]
}

const longs = (c: Command): string[] => c.options.map((o) => o.long ?? '')

describe('CLI model and data set specs', () => {
  it('every command that opens a model takes the preprocessing flags, every one that opens data --size and --resize', () => {
    const all = commands(buildProgram())
    const withModel = all.filter((c) => longs(c).includes('--model') || (c.name() === 'info' && c.parent?.name() === 'model'))
    const withData = all.filter((c) => longs(c).includes('--data'))
    expect(withModel.map((c) => c.name()).sort()).toEqual(
      ['attack', 'curve', 'eval', 'export', 'figure1', 'gallery', 'grad', 'heatmap', 'info', 'kernels', 'report'].sort(),
    )
    for (const c of withModel)
      expect(longs(c)).toEqual(expect.arrayContaining(['--input-range', '--mean', '--std', '--channel-order', '--input-layout']))
    for (const c of withData) expect(longs(c)).toEqual(expect.arrayContaining(['--size', '--resize']))
  })

  it('turns the flags into the protocol preprocessing, accepting 0-255 and 0,255', () => {
    expect(
      modelSpec('mnist', { inputRange: '0-255', mean: '0.485,0.456,0.406', std: '0.229', channelOrder: 'BGR', inputLayout: 'nchw' }),
    ).toEqual({
      defaultId: 'mnist',
      preprocessing: { inputRange: [0, 255], mean: [0.485, 0.456, 0.406], std: [0.229], channelOrder: 'bgr', layout: 'nchw' },
    })
    expect(modelSpec('mnist', { inputRange: '-1,1' }).preprocessing).toEqual({ inputRange: [-1, 1] })
    expect(modelSpec('mnist')).toEqual({ defaultId: 'mnist' })
  })

  it('names the flag that is wrong', () => {
    expect(() => modelSpec('mnist', { std: '0.2,0' })).toThrow(/--std: every std must be positive/)
    expect(() => modelSpec('mnist', { mean: 'a,b' })).toThrow(/--mean "a,b" must be numbers/)
    expect(() => modelSpec('mnist', { inputRange: '255,0' })).toThrow(/--input-range: the input range needs low < high/)
    expect(() => modelSpec('mnist', { channelOrder: 'grb' })).toThrow(/--channel-order/)
    expect(() => modelSpec('mnist', { inputLayout: 'hwc' })).toThrow(/--input-layout/)
    expect(() => datasetSpec('imagenet-samples', { size: '224' })).toThrow(/--size "224" must look like 224x224/)
    expect(() => datasetSpec('imagenet-samples', { size: '224x224', resize: 'squash' })).toThrow(/--resize/)
  })

  it('gives an embedded data set its size and resize recipe', () => {
    expect(datasetSpec('imagenet-samples', { size: '224x224', resize: 'torchvision' })).toEqual({
      defaultId: 'imagenet-samples',
      size: [224, 224],
      resize: 'torchvision',
    })
  })
})
