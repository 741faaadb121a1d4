import type { Command } from 'commander'
import { resolve } from 'node:path'
import { printJson, progressBar, withEngine } from '../engine'
import { datasetSpec, type DataFlags } from '../specs'

export function registerData(program: Command): void {
  const data = program.command('data').description('inspect and export data sets (IDX, CIFAR binary, image folders, .npy/.npz)')
  data
    .command('info <path>')
    .description('format, count, image shape, value range, class names and per-class counts (path or default id, e.g. mnist)')
    .option('--json', 'print one JSON object')
    .action(async (path: string, opts: { json?: boolean } & DataFlags) => {
      const { info } = await withEngine(program.opts(), (host) => host.call('data.open', datasetSpec(path, opts)))
      if (opts.json) return printJson({ ...info, classes: info.classes.map((name, k) => ({ index: k, name, count: info.classCounts[k] })) })
      console.log(`${info.name} (${info.format})`)
      console.log(`  source: ${info.source}`)
      console.log(`  count: ${info.count}, shape: ${info.shape.join('x')}, values: ${info.valueRange.join('..')}`)
      if (info.resize) console.log(`  resize: ${info.resize}`)
      console.log(`  classes: ${info.classes.map((c, k) => `${c} (${info.classCounts[k]})`).join(', ')}`)
      for (const s of info.skipped) console.log(`  skipped ${s.file}: ${s.reason}`)
    })
  data
    .command('export <path>')
    .description('write chosen images as PNG files')
    .requiredOption('--indices <list>', 'e.g. 0-99,120')
    .requiredOption('--out <dir>', 'output folder')
    .option('--force', 'overwrite existing files')
    .action(async (path: string, opts: { indices: string; out: string; force?: boolean } & DataFlags) => {
      const result = await withEngine(program.opts(), async (host) => {
        const { id } = await host.call('data.open', datasetSpec(path, opts))
        return host.call(
          'data.export',
          { datasetId: id, indices: opts.indices, out: resolve(opts.out), force: !!opts.force },
          { onProgress: progressBar('export') },
        )
      })
      console.log(`wrote ${result.written} PNG files to ${result.out}`)
    })
}
