import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { EngineHost } from '../../engine/host'
import type { AttackInfo, EvalProtocol, Norm } from '../../protocol/attacks'
import { parseDefense } from '../../protocol/models'
import { applyBand, describeAttacks, parseAttackParams } from '../attack-flags'
import { printJson, progressBar, withEngine } from '../engine'
import { addShardOptions, printAttack, printCurve, runShardCommand, writeAttackOutputs, writeCurveOutputs } from '../shard'
import { datasetSpec, modelSpec } from '../specs'

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
 * a dot, then name=value), each with the run's seed where it is seeded and names none.
 */
export async function attackChoices(host: EngineHost, list: string, pairs: string[], seed: number, band?: string): Promise<{ id: string; params: Record<string, unknown> }[]> {
  const ids = list.split(',').map((id) => id.trim())
  const infos = await Promise.all(ids.map((id) => attackInfo(host, id)))
  for (const pair of pairs) {
    const id = pair.slice(0, Math.max(0, pair.indexOf('.')))
    if (!ids.includes(id)) throw new Error(`--param "${pair}" must name one of the attacks (${ids.join(', ')}) before a dot, e.g. ${ids[0]}.name=value`)
  }
  const choices = infos.map((info) => {
    const own = pairs.filter((p) => p.startsWith(`${info.id}.`)).map((p) => p.slice(info.id.length + 1))
    return { info, params: attackParams(info, own, seed) }
  })
  applyBand(choices, band)
  return choices.map(({ info, params }) => ({ id: info.id, params }))
}

async function openPair(host: EngineHost, data: string, model: string) {
  const { id: datasetId } = await host.call('data.open', datasetSpec(data))
  const { id: modelId, info } = await host.call('model.open', modelSpec(model))
  return { datasetId, modelId, info }
}

export function registerAttacks(program: Command): void {
  const attack = program
    .command('attack')
    .description('run one attack on a selection; writes adversarial.npy (float32 N x H x W x C), samples.csv and summary.json')
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--attack <id>', 'hf | fgsm | pgd | deepfool | cw | single-pixel | salt-pepper')
    .option('--param <name=value>', 'attack parameter (repeatable); see "hfc-lab attacks"', collect, [])
    .option('--n <n>', 'random N samples (with --seed)', Number)
    .option('--seed <s>', 'seed of the sample draw and of randomised attacks', Number, 0)
    .option('--limit <n>', 'first N images', Number)
    .option('--indices <list>', 'images, e.g. 0-99')
    .option('--defense <spec>', 'attack a defended model: none | d1:R | d2:R1[,R2]', 'none')
    .option('--band <band>', 'FGSM/PGD: perturbation limited to a frequency band, all | low:R | high:R | annulus:R1-R2')
    .option('--out <dir>', 'output folder (with --shard: this shard\'s folder)')
    .option('--force', 'overwrite existing files')
    .option('--json', 'print a JSON summary')
  addShardOptions(attack, 64).action(
    async (opts: { model: string; data: string; attack: string; param: string[]; band?: string; n?: number; seed: number; limit?: number; indices?: string; defense: string; out?: string; force?: boolean; json?: boolean; shard?: string; batchSize?: number }) => {
      const defense = parseDefense(opts.defense)
      const selection = { limit: opts.limit, indices: opts.indices, n: opts.n, seed: opts.seed }
      if (opts.shard) {
        return runShardCommand(program.opts(), 'attack', opts, selection, 64, async (host) => {
          const info = await attackInfo(host, opts.attack)
          const params = attackParams(info, opts.param, opts.seed)
          applyBand([{ info, params }], opts.band)
          const { datasetId, modelId, info: model } = await openPair(host, opts.data, opts.model)
          return {
            run: { attack: info.id, params, defense },
            model: { spec: opts.model, info: model },
            runBatch: (ids, _dir, onProgress) =>
              host.call('attack.run', { modelId, datasetId, attack: { id: info.id, params }, defense, indices: ids.join(','), returnAdversarials: true }, { onProgress }),
          }
        })
      }
      const run = await withEngine(program.opts(), async (host) => {
        const info = await attackInfo(host, opts.attack)
        const params = attackParams(info, opts.param, opts.seed)
        applyBand([{ info, params }], opts.band)
        const { datasetId, modelId } = await openPair(host, opts.data, opts.model)
        return host.call('attack.run', { modelId, datasetId, attack: { id: info.id, params }, defense, ...selection, returnAdversarials: !!opts.out }, { onProgress: progressBar(opts.attack) })
      })
      const out = opts.out ? resolve(opts.out) : undefined
      if (out) await writeAttackOutputs(run, out, !!opts.force, { model: opts.model, data: opts.data, seed: opts.seed })
      printAttack(run, !!opts.json, out)
    },
  )

  program
    .command('attacks')
    .description('list the attacks and their parameters (Foolbox 1.8 defaults, SPEC-hfc section 5)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const attacks: AttackInfo[] = await withEngine(program.opts(), (host) => host.call('attack.list', {}))
      if (opts.json) return printJson(attacks)
      console.log(describeAttacks(attacks))
    })

  const curve = program
    .command('curve')
    .description('accuracy versus maximum perturbation (and AUC) for attacks x defences under a protocol')
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--attacks <ids>', 'comma-separated attack ids')
    .option('--param <attack.name=value>', 'parameter of one of the attacks (repeatable), e.g. fgsm.epsilons=100; see "hfc-lab attacks"', collect, [])
    .option('--defenses <list>', 'comma-separated: none, d1:R, d2:R (use + between D2 radii: d2:1+2)', 'none')
    .option('--band <band>', 'FGSM/PGD among the attacks: perturbation limited to a frequency band, all | low:R | high:R | annulus:R1-R2')
    .option('--protocol <p>', 'transfer | direct | adaptive (comma-separated for several)', 'transfer')
    .option('--norm <norm>', 'linf | l2 | mse (distances on the [0, 1] pixel scale)', 'linf')
    .option('--n <n>', 'random N samples', Number)
    .option('--seed <s>', 'seed', Number, 0)
    .option('--limit <n>', 'first N images', Number)
    .option('--indices <list>', 'images, e.g. 0-99')
    .option('--out <dir>', "write curve.json and samples.csv (per-sample outcomes) here (with --shard: this shard's folder)")
    .option('--force', 'overwrite existing files')
    .option('--json', 'print the curves as JSON')
  addShardOptions(curve, 64).action(
    async (opts: { model: string; data: string; attacks: string; param: string[]; band?: string; defenses: string; protocol: string; norm: string; n?: number; seed: number; limit?: number; indices?: string; out?: string; force?: boolean; json?: boolean; shard?: string; batchSize?: number }) => {
      const selection = { limit: opts.limit, indices: opts.indices, n: opts.n, seed: opts.seed }
      const defenses = opts.defenses.split(',').map((d) => parseDefense(d.replace(/\+/g, ',')))
      const protocols = opts.protocol.split(',') as EvalProtocol[]
      const norm = opts.norm as Norm
      const curveAttacks = (host: EngineHost) => attackChoices(host, opts.attacks, opts.param, opts.seed, opts.band)
      if (opts.shard) {
        return runShardCommand(program.opts(), 'curve', opts, selection, 64, async (host) => {
          const attacks = await curveAttacks(host)
          const { datasetId, modelId, info: model } = await openPair(host, opts.data, opts.model)
          return {
            run: { attacks, defenses, protocols, norm },
            model: { spec: opts.model, info: model },
            runBatch: (ids, _dir, onProgress) => host.call('attack.curve', { modelId, datasetId, attacks, defenses, protocols, norm, indices: ids.join(',') }, { onProgress }),
          }
        })
      }
      const result = await withEngine(program.opts(), async (host) => {
        const attacks = await curveAttacks(host)
        const { datasetId, modelId } = await openPair(host, opts.data, opts.model)
        return host.call('attack.curve', { modelId, datasetId, attacks, defenses, protocols, norm, ...selection }, { onProgress: progressBar('curve') })
      })
      const out = opts.out ? resolve(opts.out) : undefined
      if (out) await writeCurveOutputs(result, norm, out, !!opts.force)
      printCurve(result, norm, !!opts.json, out)
    },
  )
}
