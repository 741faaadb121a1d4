import type { Command } from 'commander'
import { resolve } from 'node:path'
import { describePreprocessing, parseDefense, SIDECAR_SUFFIX } from '../../protocol/models'
import type { EngineHost } from '../../engine/runtime/host'
import { printJson, progressBar, withEngine, workersForImages } from '../engine'
import { addShardOptions, printEvaluation, runShardCommand, saveResults, type ShardFlags } from '../shard'
import { datasetSpec, modelSpec, selectionOf, type ModelFlags, type SpecFlags } from '../specs'

export function registerModels(program: Command): void {
  const model = program.command('model').description('inspect models (TF.js Layers/graph, Keras .h5/.keras, ONNX)')
  model
    .command('info <path>')
    .description('layers, output shapes, parameters, input shape and range, gradients, SHA-256 (path or default id)')
    .option('--json', 'print one JSON object')
    .option('--save-sidecar', `remember the preprocessing given (and the file's) in <model file>${SIDECAR_SUFFIX} beside the model`)
    .option('--force', 'with --save-sidecar: replace an existing sidecar')
    .action(async (path: string, opts: { json?: boolean; saveSidecar?: boolean; force?: boolean } & ModelFlags) => {
      const info = await withEngine(program.opts(), async (host) => {
        const spec = modelSpec(path, opts)
        const { id, info } = await host.call('model.open', spec)
        if (opts.saveSidecar) {
          if (spec.defaultId) throw new Error(`${path} is an embedded model; a sidecar goes beside a model file`)
          const { out } = await host.call('model.saveSidecar', { modelId: id, out: info.source + SIDECAR_SUFFIX, force: !!opts.force })
          console.error(`wrote ${out}`)
        }
        return info
      })
      if (opts.json) return printJson(info)
      const p = info.preprocessing
      console.log(`${info.name} (${info.format}) ${info.variant}`)
      console.log(
        `  input ${info.inputShape.join('x')}, range ${info.inputRange.join('..')} (${info.inputRangeSource}), ${info.classes.length} classes`,
      )
      console.log(
        `  preprocessing: ${describePreprocessing(info.inputRange, p)}; layout ${p.layoutSource}, mean/std ${p.normalizationSource}, channels ${p.channelOrderSource}${p.sidecar ? `; sidecar ${p.sidecar}` : ''}`,
      )
      console.log(
        `  ${info.totalParams.toLocaleString()} parameters, gradients ${info.gradients ? 'available' : 'not available'}, sha256 ${info.sha256}`,
      )
      console.log(`  forward passes on ${info.engine.forward}, input gradients on ${info.engine.gradient} (${info.engine.reason})`)
      for (const l of info.layers)
        console.log(`  ${l.name.padEnd(24)} ${l.className.padEnd(20)} [${l.outputShape.map((d) => d ?? 'N').join(', ')}] ${l.params}`)
    })

  const evaluate = program
    .command('eval')
    .description('clean accuracy, per-class accuracy and confusion matrix, optionally under a defense')
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .option('--limit <n>', 'first N images', Number)
    .option('--indices <list>', 'images, e.g. 0-999')
    .option('--n <n>', 'random N samples (with --seed)', Number)
    .option('--seed <s>', 'seed of the sample draw', Number, 0)
    .option('--defense <spec>', 'none | d1:R | d2:R1[,R2,...]', 'none')
    .option('--out <dir>', "write evaluation.json here (with --shard: this shard's folder)")
    .option('--force', 'overwrite existing files')
    .option('--json', 'print the result as JSON')
  addShardOptions(evaluate, 1000).action(
    async (
      opts: {
        model: string
        data: string
        limit?: number
        indices?: string
        n?: number
        seed: number
        defense: string
      } & SpecFlags &
        ShardFlags,
    ) => {
      const defense = parseDefense(opts.defense)
      const selection = selectionOf(opts)
      const open = async (host: EngineHost) => {
        const { id: datasetId } = await host.call('data.open', datasetSpec(opts.data, opts))
        const { id: modelId, info } = await host.call('model.open', modelSpec(opts.model, opts))
        return { datasetId, modelId, info }
      }
      if (opts.shard) {
        return runShardCommand(program.opts(), 'eval', opts, selection, 1000, async (host) => {
          const { datasetId, modelId, info } = await open(host)
          return {
            run: { defense },
            model: { spec: opts.model, info },
            datasetId,
            job: { method: 'model.evaluate', params: { modelId, datasetId, defense } },
          }
        })
      }
      const out = opts.out ? resolve(opts.out) : undefined
      const result = await withEngine(workersForImages(program.opts(), opts.limit ?? opts.n), async (host) => {
        const { datasetId, modelId } = await open(host)
        const job = { method: 'model.evaluate', params: { modelId, datasetId, ...selection, defense } } as const
        return saveResults(host, job, out ? { out, force: !!opts.force } : undefined, { onProgress: progressBar('eval') })
      })
      printEvaluation(result, !!opts.json, out)
    },
  )

  program
    .command('kernels')
    .description('D2 kernel inspector to files: before/after .npy, a PNG grid and a JSON report per layer')
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--radius <r>', 'radius in k-grid bins', Number)
    .requiredOption('--out <dir>', 'output folder')
    .option('--layer <name>', 'conv layer (default: the first)')
    .option('--rule <rule>', 'strict | inclusive', 'strict')
    .option('--mode <mode>', 'kernel (k x k grid) | padded', 'kernel')
    .option('--force', 'overwrite existing files')
    .action(
      async (
        opts: { model: string; radius: number; out: string; layer?: string; rule: string; mode: string; force?: boolean } & SpecFlags,
      ) => {
        const out = resolve(opts.out)
        const report = await withEngine(program.opts(), async (host) => {
          const { id: modelId } = await host.call('model.open', modelSpec(opts.model, opts))
          const params = {
            modelId,
            layer: opts.layer,
            radius: opts.radius,
            mask: { kind: 'circle', rule: opts.rule as 'strict' | 'inclusive' },
            mode: opts.mode as 'kernel' | 'padded',
          } as const
          return saveResults(host, { method: 'model.kernels', params }, { out, force: !!opts.force }, {})
        })
        console.log(
          `${report.layer}: r=${report.radius} keeps ${report.keptBins}/${report.totalBins} bins, removes ${(report.energyRemovedFraction * 100).toFixed(1)}% of the energy; wrote ${out}`,
        )
      },
    )
}
