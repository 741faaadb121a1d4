import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { writeFileAtomic } from '../../engine/export/atomic-write'
import { encodePng } from '../../engine/export/png'
import { describePreprocessing, parseDefense, sidecarOf, SIDECAR_SUFFIX } from '../../protocol/models'
import { encodeNpy } from '../../protocol/npy'
import type { EngineHost } from '../../engine/runtime/host'
import { printJson, progressBar, withEngine } from '../engine'
import { addShardOptions, printEvaluation, runShardCommand, writeEvaluation } from '../shard'
import { kernelGridPixels } from '../../engine/export/kernel-grid'
import { datasetSpec, modelSpec, type ModelFlags, type SpecFlags } from '../specs'

export function registerModels(program: Command): void {
  const model = program.command('model').description('inspect models (TF.js Layers/graph, Keras .h5/.keras, ONNX)')
  model
    .command('info <path>')
    .description('layers, output shapes, parameters, input shape and range, gradients, SHA-256 (path or default id)')
    .option('--json', 'print one JSON object')
    .option('--save-sidecar', `remember the preprocessing given (and the file's) in <model file>${SIDECAR_SUFFIX} beside the model`)
    .option('--force', 'with --save-sidecar: replace an existing sidecar')
    .action(async (path: string, opts: { json?: boolean; saveSidecar?: boolean; force?: boolean } & ModelFlags) => {
      const { info } = await withEngine(program.opts(), (host) => host.call('model.open', modelSpec(path, opts)))
      if (opts.saveSidecar) {
        if (!existsSync(info.source)) throw new Error(`${path} is an embedded model; a sidecar goes beside a model file`)
        const sidecar = info.source + SIDECAR_SUFFIX
        await writeFileAtomic(sidecar, `${JSON.stringify(sidecarOf(info), null, 2)}\n`, { force: !!opts.force })
        console.error(`wrote ${sidecar}`)
      }
      if (opts.json) return printJson(info)
      const p = info.preprocessing
      console.log(`${info.name} (${info.format}) ${info.variant}`)
      console.log(`  input ${info.inputShape.join('x')}, range ${info.inputRange.join('..')} (${info.inputRangeSource}), ${info.classes.length} classes`)
      console.log(`  preprocessing: ${describePreprocessing(info.inputRange, p)}; layout ${p.layoutSource}, mean/std ${p.normalizationSource}, channels ${p.channelOrderSource}${p.sidecar ? `; sidecar ${p.sidecar}` : ''}`)
      console.log(`  ${info.totalParams.toLocaleString()} parameters, gradients ${info.gradients ? 'available' : 'not available'}, sha256 ${info.sha256}`)
      console.log(`  forward passes on ${info.engine.forward}, input gradients on ${info.engine.gradient} (${info.engine.reason})`)
      for (const l of info.layers) console.log(`  ${l.name.padEnd(24)} ${l.className.padEnd(20)} [${l.outputShape.map((d) => d ?? 'N').join(', ')}] ${l.params}`)
    })

  const evaluate = program
    .command('eval')
    .description('clean accuracy, per-class accuracy and confusion matrix, optionally under a defence')
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
    async (opts: { model: string; data: string; limit?: number; indices?: string; n?: number; seed: number; defense: string; out?: string; force?: boolean; json?: boolean; shard?: string; batchSize?: number } & SpecFlags) => {
      const defense = parseDefense(opts.defense)
      const selection = { limit: opts.limit, indices: opts.indices, n: opts.n, seed: opts.seed }
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
            runBatch: (ids, _dir, onProgress) => host.call('model.evaluate', { modelId, datasetId, defense, indices: ids.join(',') }, { onProgress }),
          }
        })
      }
      const result = await withEngine(program.opts(), async (host) => {
        const { datasetId, modelId } = await open(host)
        return host.call('model.evaluate', { modelId, datasetId, ...selection, defense }, { onProgress: progressBar('eval') })
      })
      const out = opts.out ? resolve(opts.out) : undefined
      if (out) await writeEvaluation(result, out, !!opts.force)
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
    .action(async (opts: { model: string; radius: number; out: string; layer?: string; rule: string; mode: string; force?: boolean } & SpecFlags) => {
      const report = await withEngine(program.opts(), async (host) => {
        const { id: modelId } = await host.call('model.open', modelSpec(opts.model, opts))
        return host.call('model.kernels', {
          modelId,
          layer: opts.layer,
          radius: opts.radius,
          mask: { kind: 'circle', rule: opts.rule as 'strict' | 'inclusive' },
          mode: opts.mode as 'kernel' | 'padded',
        })
      })
      const out = resolve(opts.out)
      const [kh, kw, cin, cout] = report.kernelShape
      const force = !!opts.force
      for (const pick of ['before', 'after'] as const) {
        const values = new Float32Array(kh * kw * cin * cout)
        for (const k of report.kernels) k[pick].forEach((v, p) => (values[p * cin * cout + k.inChannel * cout + k.outChannel] = v))
        await writeFileAtomic(join(out, `${report.layer}_${pick}.npy`), encodeNpy(values, [kh, kw, cin, cout]), { force })
      }
      const grid = kernelGridPixels(report)
      await writeFileAtomic(join(out, `${report.layer}_grid.png`), await encodePng(grid.pixels, grid.height, grid.width, 3), { force })
      const { kernels, ...summary } = report
      await writeFileAtomic(join(out, `${report.layer}_report.json`), JSON.stringify({ ...summary, kernels: kernels.map((k) => ({ outChannel: k.outChannel, inChannel: k.inChannel, energyRemoved: k.energyRemoved })) }, null, 2), { force })
      console.log(`${report.layer}: r=${report.radius} keeps ${report.keptBins}/${report.totalBins} bins, removes ${(report.energyRemovedFraction * 100).toFixed(1)}% of the energy; wrote ${out}`)
    })
}
