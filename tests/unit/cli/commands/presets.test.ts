import { describe, expect, it } from 'vitest'
import { listCurvePresets } from '../../../../src-main/engine/eval/curve-presets'
import { runCli, runCliOk } from '../cli-process'

describe('hfc-lab presets and --preset', () => {
  it('lists exactly the registry’s presets, resolved for --size', async () => {
    const { stdout } = await runCliOk(['presets', '--size', '32x32', '--json'])
    expect(JSON.parse(stdout)).toEqual(listCurvePresets(32, 32))
    const text = (await runCliOk(['presets'])).stdout
    for (const p of listCurvePresets()) {
      expect(text).toContain(p.id)
      expect(text).toContain(p.label)
    }
    expect(text).toContain('d1:4, d1:8, d1:12')
  }, 120_000)

  it('applies the paper preset’s HF r_min to a curve run, with flags on the command line overriding the rest', async () => {
    const { stdout, stderr } = await runCliOk([
      'curve',
      '--model',
      'mnist',
      '--data',
      'mnist',
      '--preset',
      'paper',
      '--attacks',
      'hf',
      '--defenses',
      'none',
      '--limit',
      '4',
      '--json',
    ])
    expect(stderr).toContain(
      'preset paper (Paper figures) set: attacks hf {"rMin":2}; defenses none; protocols transfer; norm linf; samples from the flags',
    )
    const run = JSON.parse(stdout) as { n: number; norm: string; entries: { attack: string; defense: string }[] }
    expect(run.n).toBe(4)
    expect(run.norm).toBe('linf')
    expect(run.entries.map((e) => `${e.attack}/${e.defense}`)).toEqual(['hf/none'])
  }, 180_000)

  it('gives hfc-lab attack one attack’s parameters from a preset, and refuses an attack the preset does not hold', async () => {
    const { stdout, stderr } = await runCliOk([
      'attack',
      '--model',
      'mnist',
      '--data',
      'mnist',
      '--attack',
      'pgd',
      '--preset',
      'defenses-direct',
      '--limit',
      '2',
      '--json',
    ])
    expect(stderr).toContain('preset defenses-direct (Defenses under direct attack) set: pgd {"norm":"linf","epsilons":[0.3]}')
    const run = JSON.parse(stdout) as { params: Record<string, unknown>; medianLinf: number }
    expect(run.params).toEqual({ norm: 'linf', epsilons: [0.3], seed: 0 })
    expect(run.medianLinf).toBeLessThanOrEqual(0.3 + 1e-6)
    const missing = await runCli(['attack', '--model', 'mnist', '--data', 'mnist', '--attack', 'cw', '--preset', 'paper', '--limit', '1'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('Preset "paper" has no cw attack; its attacks are fgsm, deepfool, hf, single-pixel, salt-pepper')
  }, 180_000)

  it('names the presets when asked for one that does not exist, and needs --attacks or --preset', async () => {
    const unknown = await runCli(['curve', '--model', 'mnist', '--data', 'mnist', '--preset', 'figure9', '--limit', '2'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('Unknown preset "figure9"; choose one of paper, defenses-direct')
    const none = await runCli(['curve', '--model', 'mnist', '--data', 'mnist', '--limit', '2'])
    expect(none.code).toBe(1)
    expect(none.stderr).toContain('Name the attacks with --attacks')
  }, 180_000)
})
