import type { Command } from 'commander'
import { join, resolve } from 'node:path'
import { writeFileAtomic } from '../../engine/export/atomic-write'
import type { AttackInfo, AttackRun } from '../../protocol/attacks'
import { parseDefense } from '../../protocol/models'
import { encodeNpy } from '../../protocol/npy'
import { describeAttacks, parseAttackParams } from '../attack-flags'
import { printJson, progressBar, withEngine } from '../engine'
import { datasetSpec, modelSpec } from '../specs'

const collect = (value: string, previous: string[]) => [...previous, value]

function median(values: Float32Array, mask: Uint8Array): number | null {
  const kept = Array.from(values).filter((_, i) => mask[i]).sort((a, b) => a - b)
  if (!kept.length) return null
  const mid = kept.length >> 1
  return kept.length % 2 ? kept[mid] : (kept[mid - 1] + kept[mid]) / 2
}

export function attackSummary(run: AttackRun) {
  const n = run.indices.length
  const fooled = run.success.reduce((a, b) => a + b, 0)
  return {
    attack: run.attack,
    params: run.params,
    defense: run.defense,
    n,
    successRate: n ? fooled / n : 0,
    medianL2: median(run.l2, run.success),
    medianLinf: median(run.linf, run.success),
    queries: { total: run.queries.reduce((a, b) => a + b, 0), mean: n ? run.queries.reduce((a, b) => a + b, 0) / n : 0 },
  }
}

async function writeAttackOutputs(run: AttackRun, out: string, force: boolean, meta: Record<string, unknown>): Promise<string[]> {
  const [h, w, c] = run.shape
  const extraKeys = Object.keys(run.extra)
  const header = ['index', 'label', 'clean_prediction', 'adversarial_prediction', 'confidence', 'success', 'l2', 'linf', 'queries', ...extraKeys]
  const rows = Array.from(run.indices, (index, k) =>
    [index, run.labels[k], run.cleanPredicted[k], run.predicted[k], run.confidence[k], run.success[k], run.l2[k], run.linf[k], run.queries[k], ...extraKeys.map((e) => run.extra[e][k])].join(','),
  )
  const files = [join(out, 'adversarial.npy'), join(out, 'samples.csv'), join(out, 'summary.json')]
  await writeFileAtomic(files[0], encodeNpy(run.adversarial!, [run.indices.length, h, w, c]), { force })
  await writeFileAtomic(files[1], [header.join(','), ...rows].join('\n') + '\n', { force })
  await writeFileAtomic(files[2], JSON.stringify({ ...meta, ...attackSummary(run) }, null, 2), { force })
  return files
}

export function registerAttacks(program: Command): void {
  program
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
    .option('--out <dir>', 'output folder')
    .option('--force', 'overwrite existing files')
    .option('--json', 'print a JSON summary')
    .action(async (opts: { model: string; data: string; attack: string; param: string[]; n?: number; seed: number; limit?: number; indices?: string; defense: string; out?: string; force?: boolean; json?: boolean }) => {
      const run = await withEngine(program.opts(), async (host) => {
        const attacks = await host.call('attack.list', {})
        const info = attacks.find((a) => a.id === opts.attack)
        if (!info) throw new Error(`Unknown attack "${opts.attack}"; choose one of ${attacks.map((a) => a.id).join(', ')}`)
        const params = parseAttackParams(info, opts.param)
        if (info.params.some((p) => p.name === 'seed') && params.seed === undefined) params.seed = opts.seed
        const { id: datasetId } = await host.call('data.open', datasetSpec(opts.data))
        const { id: modelId } = await host.call('model.open', modelSpec(opts.model))
        return host.call(
          'attack.run',
          { modelId, datasetId, attack: { id: info.id, params }, defense: parseDefense(opts.defense), n: opts.n, seed: opts.seed, limit: opts.limit, indices: opts.indices, returnAdversarials: !!opts.out },
          { onProgress: progressBar(opts.attack) },
        )
      })
      const summary = attackSummary(run)
      if (opts.out) await writeAttackOutputs(run, resolve(opts.out), !!opts.force, { model: opts.model, data: opts.data, seed: opts.seed })
      if (opts.json) return printJson(summary)
      console.log(`${summary.attack} on ${summary.n} images: success ${(summary.successRate * 100).toFixed(1)}%, median L2 ${summary.medianL2?.toFixed(4) ?? '-'}, median Linf ${summary.medianLinf?.toFixed(4) ?? '-'}, ${summary.queries.total} queries`)
      if (opts.out) console.log(`wrote ${resolve(opts.out)}`)
    })

  program
    .command('attacks')
    .description('list the attacks and their parameters (Foolbox 1.8 defaults, SPEC-hfc section 5)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const attacks: AttackInfo[] = await withEngine(program.opts(), (host) => host.call('attack.list', {}))
      if (opts.json) return printJson(attacks)
      console.log(describeAttacks(attacks))
    })

  program
    .command('curve')
    .description('accuracy versus maximum perturbation (and AUC) for attacks x defences under a protocol')
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--attacks <ids>', 'comma-separated attack ids')
    .option('--defenses <list>', 'comma-separated: none, d1:R, d2:R (use + between D2 radii: d2:1+2)', 'none')
    .option('--protocol <p>', 'transfer | direct | adaptive (comma-separated for several)', 'transfer')
    .option('--norm <norm>', 'linf | l2 | mse (distances on the [0, 1] pixel scale)', 'linf')
    .option('--n <n>', 'random N samples', Number)
    .option('--seed <s>', 'seed', Number, 0)
    .option('--limit <n>', 'first N images', Number)
    .option('--indices <list>', 'images, e.g. 0-99')
    .option('--json', 'print the curves as JSON')
    .action(async (opts: { model: string; data: string; attacks: string; defenses: string; protocol: string; norm: string; n?: number; seed: number; limit?: number; indices?: string; json?: boolean }) => {
      const result = await withEngine(program.opts(), async (host) => {
        const known = await host.call('attack.list', {})
        const attacks = opts.attacks.split(',').map((id) => {
          const info = known.find((a) => a.id === id.trim())
          if (!info) throw new Error(`Unknown attack "${id}"; choose from ${known.map((a) => a.id).join(', ')}`)
          return { id: info.id, params: info.params.some((p) => p.name === 'seed') ? { seed: opts.seed } : {} }
        })
        const { id: datasetId } = await host.call('data.open', datasetSpec(opts.data))
        const { id: modelId } = await host.call('model.open', modelSpec(opts.model))
        return host.call(
          'attack.curve',
          {
            modelId,
            datasetId,
            attacks,
            defenses: opts.defenses.split(',').map((d) => parseDefense(d.replace(/\+/g, ','))),
            protocols: opts.protocol.split(',') as ('transfer' | 'direct' | 'adaptive')[],
            norm: opts.norm as 'linf' | 'l2' | 'mse',
            n: opts.n,
            seed: opts.seed,
            limit: opts.limit,
            indices: opts.indices,
          },
          { onProgress: progressBar('curve') },
        )
      })
      const rows = result.entries.map((e) => ({
        attack: e.attack,
        defence: e.defence,
        protocol: e.protocol,
        auc: e.curve.auc,
        cleanAccuracy: e.curve.cleanAccuracy,
        adversarialAccuracy: e.curve.adversarialAccuracy,
        successRate: e.successRate,
        medianDistance: Number.isNaN(e.medianDistance) ? null : e.medianDistance,
        meanQueries: e.meanQueries,
        grid: e.curve.grid,
        accuracy: e.curve.accuracy,
      }))
      if (opts.json) return printJson({ n: result.indices.length, norm: opts.norm, entries: rows, envelopes: result.envelopes, skipped: result.skipped })
      for (const r of rows) console.log(`${r.attack.padEnd(12)} ${r.defence.padEnd(8)} ${r.protocol.padEnd(9)} AUC ${r.auc.toFixed(4)}  clean ${(r.cleanAccuracy * 100).toFixed(1)}%  adv ${(r.adversarialAccuracy * 100).toFixed(1)}%`)
      for (const s of result.skipped) console.log(`skipped ${s.attack} / ${s.defence} / ${s.protocol}: ${s.reason}`)
    })
}
