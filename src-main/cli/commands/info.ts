import type { Command } from 'commander'
import { printJson, withEngine } from '../engine'

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the compute backend in use (and why the others were not used), versions and threads')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const info = await withEngine(program.opts(), (host) => host.call('engine.info', {}))
      if (opts.json) return printJson(info)
      console.log(`backend: ${info.backend}`)
      console.log(`models run on: ${info.forward === 'auto' ? 'the faster of onnxruntime and TF.js, measured per model' : info.forward}`)
      for (const a of info.attempts) console.log(`  ${a.ok ? '*' : '-'} ${a.name}: ${a.reason}`)
      console.log(`workers: ${info.workers} x ${info.threadsPerWorker} thread(s), ${info.cores} cores`)
      console.log(`versions: hfc-lab ${info.versions.app}, node ${info.versions.node}, tfjs ${info.versions.tfjs}`)
    })
}
