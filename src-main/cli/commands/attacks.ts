import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { EngineHost } from '../../engine/runtime/host'
import type { AttackInfo, CurvePresetInfo, EvalProtocol, Norm } from '../../protocol/attacks'
import { describeDefense, describePreprocessing, parseDefense } from '../../protocol/models'
import { applyBand, describeAttacks, describePresets, parseAttackParams } from '../attack-flags'
import { printJson, progressBar, withEngine } from '../engine'
import { addShardOptions, printAttack, printCurve, runShardCommand, saveResults, type ShardFlags } from '../shard'
import { datasetSpec, modelSpec, selectionOf, type SpecFlags } from '../specs'

const collect = (value: string, previous: string[]) => [...previous, value]

async function attackInfo(host: EngineHost, id: string): Promise<AttackInfo> {
  const known = await host.call('attack.list', {})
  const info = known.find((a) => a.id === id.trim())
  if (!info) throw new Error(`Unknown attack "${id}"; choose one of ${known.map((a) => a.id).join(', ')}`)
  return info
}

/** An attack's parameters from --param pairs, with the run's seed for seeded attacks that name none. */
function attackParams(info: AttackInfo, pairs: string[], seed: number): Record<string, unknown> {
  const params = parseAttackParams(info, pairs)
  if (info.params.some((p) => p.name === 'seed') && params.seed === undefined) params.seed = seed
  return params
}

/**
 * Several attacks from "--attacks hf,fgsm" and "--param fgsm.epsilons=100" pairs (the attack's id,
 * a dot, then name=value), each with the run's seed where it is seeded and names none. `base`
 * holds a preset's parameters per attack; --param values override them.
 */
export async function attackChoices(
  host: EngineHost,
  list: string,
  pairs: string[],
  seed: number,
  base: Record<string, Record<string, unknown>> = {},
  band?: string,
): Promise<{ id: string; params: Record<string, unknown> }[]> {
  const ids = list.split(',').map((id) => id.trim())
  const infos = await Promise.all(ids.map((id) => attackInfo(host, id)))
  for (const pair of pairs) {
    const id = pair.slice(0, Math.max(0, pair.indexOf('.')))
    if (!ids.includes(id))
      throw new Error(`--param "${pair}" must name one of the attacks (${ids.join(', ')}) before a dot, e.g. ${ids[0]}.name=value`)
  }
  const choices = infos.map((info) => {
    const own = pairs.filter((p) => p.startsWith(`${info.id}.`)).map((p) => p.slice(info.id.length + 1))
    return { info, params: { ...base[info.id], ...attackParams(info, own, seed) } }
  })
  applyBand(choices, band)
  return choices.map(({ info, params }) => ({ id: info.id, params }))
}

/** A named preset resolved for the data set's image size, or an error that lists the presets. */
async function curvePreset(host: EngineHost, id: string, shape: readonly number[]): Promise<CurvePresetInfo> {
  const presets = await host.call('attack.presets', { height: shape[0], width: shape[1] })
  const preset = presets.find((p) => p.id === id.trim())
  if (!preset) throw new Error(`Unknown preset "${id}"; choose one of ${presets.map((p) => p.id).join(', ')} (see "hfc-lab presets")`)
  return preset
}

/** Each attack's parameters in a preset, by attack id. */
function presetParams(preset: CurvePresetInfo): Record<string, Record<string, unknown>> {
  return Object.fromEntries(preset.settings.attacks.map((a) => [a.id, a.params]))
}

/** One stderr line saying what a preset set, so a run's log records it. */
function announcePreset(preset: CurvePresetInfo, applied: string[]): void {
  process.stderr.write(`preset ${preset.id} (${preset.label}) set: ${applied.join('; ')}\n`)
}

async function openPair(host: EngineHost, opts: { data: string; model: string } & SpecFlags) {
  const { id: datasetId, info: dataset } = await host.call('data.open', datasetSpec(opts.data, opts))
  const { id: modelId, info } = await host.call('model.open', modelSpec(opts.model, opts))
  return { datasetId, modelId, info, shape: dataset.shape }
}

export function registerAttacks(program: Command): void {
  const attack = program
    .command('attack')
    .description(
      'run one attack on a selection; writes adversarial.npy (float32 N x H x W x C), samples.csv, spectrum.csv (radial energy profile of each perturbation) and summary.json',
    )
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--attack <id>', 'hf | fgsm | pgd | deepfool | cw | single-pixel | salt-pepper')
    .option('--param <name=value>', 'attack parameter (repeatable); see "hfc-lab attacks"', collect, [])
    .option('--n <n>', 'random N samples (with --seed)', Number)
    .option('--seed <s>', 'seed of the sample draw and of randomised attacks', Number, 0)
    .option('--limit <n>', 'first N images', Number)
    .option('--indices <list>', 'images, e.g. 0-99')
    .option('--defense <spec>', 'attack a defended model: none | d1:R | d2:R1[,R2]', 'none')
    .option('--preset <id>', 'take the attack\'s parameters from a curve preset (see "hfc-lab presets"); --param overrides them')
    .option('--band <band>', 'FGSM/PGD: perturbation limited to a frequency band, all | low:R | high:R | annulus:R1-R2')
    .option('--out <dir>', "output folder (with --shard: this shard's folder)")
    .option('--force', 'overwrite existing files')
    .option('--json', 'print a JSON summary')
  addShardOptions(attack, 64).action(
    async (
      opts: {
        model: string
        data: string
        attack: string
        param: string[]
        preset?: string
        band?: string
        n?: number
        seed: number
        limit?: number
        indices?: string
        defense: string
      } & SpecFlags &
        ShardFlags,
    ) => {
      const defense = parseDefense(opts.defense)
      const selection = selectionOf(opts)
      /** The attack's parameters: the preset's (for this data set's image size), then --param, then --band. */
      const paramsFor = async (host: EngineHost, info: AttackInfo, shape: readonly number[]) => {
        let params = attackParams(info, opts.param, opts.seed)
        if (opts.preset) {
          const preset = await curvePreset(host, opts.preset, shape)
          const base = presetParams(preset)[info.id]
          if (!base)
            throw new Error(
              `Preset "${preset.id}" has no ${info.id} attack; its attacks are ${preset.settings.attacks.map((a) => a.id).join(', ')}`,
            )
          announcePreset(preset, [`${info.id} ${JSON.stringify(base)}`])
          params = { ...base, ...params }
        }
        applyBand([{ info, params }], opts.band)
        return params
      }
      if (opts.shard) {
        return runShardCommand(program.opts(), 'attack', opts, selection, 64, async (host) => {
          const info = await attackInfo(host, opts.attack)
          const { datasetId, modelId, info: model, shape } = await openPair(host, opts)
          const params = await paramsFor(host, info, shape)
          return {
            run: { attack: info.id, params, defense },
            model: { spec: opts.model, info: model },
            datasetId,
            job: {
              method: 'attack.run',
              params: { modelId, datasetId, attack: { id: info.id, params }, defense, returnAdversarials: true },
            },
          }
        })
      }
      const out = opts.out ? resolve(opts.out) : undefined
      const run = await withEngine(program.opts(), async (host) => {
        const info = await attackInfo(host, opts.attack)
        const { datasetId, modelId, shape, info: model } = await openPair(host, opts)
        const params = await paramsFor(host, info, shape)
        const job = {
          method: 'attack.run',
          params: { modelId, datasetId, attack: { id: info.id, params }, defense, ...selection, returnAdversarials: !!out },
        } as const
        const meta = {
          model: opts.model,
          data: opts.data,
          seed: opts.seed,
          preprocessing: describePreprocessing(model.inputRange, model.preprocessing),
        }
        return saveResults(host, job, out ? { out, force: !!opts.force, meta } : undefined, { onProgress: progressBar(opts.attack) })
      })
      printAttack(run, !!opts.json, out)
    },
  )

  program
    .command('attacks')
    .description('list the attacks and their parameters (Foolbox 1.8 defaults, docs/algorithms.md §Attacks)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const attacks: AttackInfo[] = await withEngine(program.opts(), (host) => host.call('attack.list', {}))
      if (opts.json) return printJson(attacks)
      console.log(describeAttacks(attacks))
    })

  program
    .command('presets')
    .description("list the curve presets (the paper's figures, the defenses under direct attack) and what each sets")
    .option('--size <HxW>', 'resolve the radii for images of this size', '28x28')
    .option('--json', 'print JSON')
    .action(async (opts: { size: string; json?: boolean }) => {
      const m = /^(\d+)x(\d+)$/i.exec(opts.size.trim())
      if (!m) throw new Error(`--size "${opts.size}" must look like 28x28`)
      const presets = await withEngine(program.opts(), (host) => host.call('attack.presets', { height: Number(m[1]), width: Number(m[2]) }))
      if (opts.json) return printJson(presets)
      console.log(describePresets(presets))
    })

  const curve = program
    .command('curve')
    .description('accuracy versus maximum perturbation (and AUC) for attacks x defenses under a protocol')
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .option('--attacks <ids>', 'comma-separated attack ids (required unless --preset names them)')
    .option(
      '--preset <id>',
      'apply a named preset (see "hfc-lab presets"): attacks and their parameters, defenses, protocols, norm and, without --n/--limit/--indices, the sample; flags given on the command line override it',
    )
    .option(
      '--param <attack.name=value>',
      'parameter of one of the attacks (repeatable), e.g. fgsm.epsilons=100; see "hfc-lab attacks"',
      collect,
      [],
    )
    .option('--defenses <list>', 'comma-separated: none, d1:R, d2:R (use + between D2 radii: d2:1+2)', 'none')
    .option('--band <band>', 'FGSM/PGD among the attacks: perturbation limited to a frequency band, all | low:R | high:R | annulus:R1-R2')
    .option('--protocol <p>', 'transfer | direct | adaptive (comma-separated for several)', 'transfer')
    .option(
      '--norm <norm>',
      'linf | l2 | mse | rms (distances on the [0, 1] pixel scale; rms = L2 / sqrt(values per image), 1.0 at most like linf)',
      'linf',
    )
    .option('--n <n>', 'random N samples', Number)
    .option('--seed <s>', 'seed', Number, 0)
    .option('--limit <n>', 'first N images', Number)
    .option('--indices <list>', 'images, e.g. 0-99')
    .option(
      '--out <dir>',
      "write curve.json, samples.csv (per-sample outcomes) and spectrum.csv (per-sample perturbation profiles) here (with --shard: this shard's folder)",
    )
    .option('--force', 'overwrite existing files')
    .option('--json', 'print the curves as JSON')
  type CurveOpts = SpecFlags & {
    model: string
    data: string
    attacks?: string
    param: string[]
    preset?: string
    band?: string
    defenses: string
    protocol: string
    norm: string
    n?: number
    seed: number
    limit?: number
    indices?: string
    out?: string
    force?: boolean
    json?: boolean
    shard?: string
    batchSize?: number
  }
  /** The run's settings: the preset's (resolved for the data set's image size) where a flag was not given on the command line. */
  const curveSettings = async (host: EngineHost, opts: CurveOpts, shape: readonly number[], sharded = false) => {
    const fromCli = (name: string) => curve.getOptionValueSource(name) === 'cli'
    const preset = opts.preset ? await curvePreset(host, opts.preset, shape) : undefined
    const list = opts.attacks ?? preset?.settings.attacks.map((a) => a.id).join(',')
    if (!list)
      throw new Error('Name the attacks with --attacks (e.g. --attacks hf,fgsm) or apply a preset with --preset (see "hfc-lab presets")')
    const attacks = await attackChoices(host, list, opts.param, opts.seed, preset ? presetParams(preset) : {}, opts.band)
    const defenses =
      preset && !fromCli('defenses') ? preset.settings.defenses : opts.defenses.split(',').map((d) => parseDefense(d.replace(/\+/g, ',')))
    const protocols = preset && !fromCli('protocol') ? preset.settings.protocols : (opts.protocol.split(',') as EvalProtocol[])
    const norm = preset && !fromCli('norm') ? preset.settings.norm : (opts.norm as Norm)
    // Every shard of a run must cut the same selection, so a shard's sample always comes from its flags.
    const ownSelection = sharded || opts.n !== undefined || opts.limit !== undefined || opts.indices !== undefined
    const selection =
      preset && !ownSelection ? { n: preset.settings.n, seed: fromCli('seed') ? opts.seed : preset.settings.seed } : selectionOf(opts)
    if (preset) {
      announcePreset(preset, [
        `attacks ${attacks.map((a) => `${a.id}${Object.keys(a.params).length ? ` ${JSON.stringify(a.params)}` : ''}`).join(', ')}`,
        `defenses ${defenses.map(describeDefense).join(', ')}`,
        `protocols ${protocols.join(', ')}`,
        `norm ${norm}`,
        ownSelection ? 'samples from the flags' : `n ${selection.n}, seed ${selection.seed}`,
      ])
    }
    return { attacks, defenses, protocols, norm, selection }
  }
  addShardOptions(curve, 64).action(async (opts: CurveOpts) => {
    const selection = selectionOf(opts)
    if (opts.shard) {
      return runShardCommand(program.opts(), 'curve', opts, selection, 64, async (host) => {
        const { datasetId, modelId, info: model, shape } = await openPair(host, opts)
        const { attacks, defenses, protocols, norm } = await curveSettings(host, opts, shape, true)
        return {
          run: { attacks, defenses, protocols, norm },
          model: { spec: opts.model, info: model },
          datasetId,
          job: { method: 'attack.curve', params: { modelId, datasetId, attacks, defenses, protocols, norm } },
        }
      })
    }
    let norm: Norm = opts.norm as Norm
    const out = opts.out ? resolve(opts.out) : undefined
    const result = await withEngine(program.opts(), async (host) => {
      const { datasetId, modelId, shape } = await openPair(host, opts)
      const settings = await curveSettings(host, opts, shape)
      norm = settings.norm
      const { attacks, defenses, protocols } = settings
      const job = {
        method: 'attack.curve',
        params: { modelId, datasetId, attacks, defenses, protocols, norm, ...settings.selection },
      } as const
      return saveResults(host, job, out ? { out, force: !!opts.force } : undefined, { onProgress: progressBar('curve') })
    })
    printCurve(result, norm, !!opts.json, out)
  })
}
