import type { Command } from 'commander'
import { resolve } from 'node:path'
import { parseDefense } from '../../protocol/models'
import { printJson, withEngine } from '../engine'
import { modelSpec, type SpecFlags } from '../specs'

/** `hfc-lab model export`: any model the loaders read (or its D2 variant) as ONNX. */
export function registerModelExport(program: Command): void {
  const model = program.commands.find((c) => c.name() === 'model')
  if (!model) throw new Error('register the model command first')
  model
    .command('export')
    .description('write a model (TF.js, Keras, ONNX; optionally its D2 variant) as ONNX for onnxruntime and Python')
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--out <file>', 'output .onnx file')
    .option('--format <format>', 'onnx', 'onnx')
    .option('--defense <spec>', 'none | d2:R1[,R2] (D1 is an input filter, not a weight change)', 'none')
    .option('--layout <layout>', 'input layout of the written graph: nchw (PyTorch) | nhwc', 'nchw')
    .option('--force', 'overwrite the output file')
    .option('--json', 'print a JSON summary')
    .action(
      async (
        opts: { model: string; out: string; format: string; defense: string; layout: string; force?: boolean; json?: boolean } & SpecFlags,
      ) => {
        if (opts.format !== 'onnx') throw new Error(`--format ${opts.format} is not supported; use onnx`)
        const result = await withEngine(program.opts(), async (host) => {
          const { id: modelId } = await host.call('model.open', modelSpec(opts.model, opts))
          return host.call('model.export', {
            modelId,
            defense: parseDefense(opts.defense),
            format: 'onnx',
            out: resolve(opts.out),
            layout: opts.layout as 'nchw' | 'nhwc',
            force: !!opts.force,
          })
        })
        if (opts.json) return printJson(result)
        console.log(`wrote ${result.out} (${result.bytes} bytes, sha256 ${result.sha256})`)
      },
    )
}
