import type { Command } from 'commander'
import { resolve } from 'node:path'
import { withEngine } from '../engine'
import { printMerged } from '../shard'

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('merge the shard folders of one --shard run into the outputs of the unsharded command')
    .addHelpText(
      'after',
      '\nChecks that the shards share command, parameters, selection, model SHA-256, data set fingerprint and\n' +
        'app version, that shards 0..N-1 are each there once and finished, and that their batches cover the\n' +
        'selection exactly once; then recomputes curves and AUC from the per-sample results, or rebuilds the\n' +
        "gallery's manifest and contact sheets over all samples, or writes the report from the shards of\n" +
        '`hfc-lab report --shard` (every section merged exactly, as one unsharded run). Nothing is re-run.',
    )
    .argument('<dirs...>', 'shard folders (their --out), or folders that hold them')
    .requiredOption('--out <dir>', 'folder for the merged outputs')
    .option('--force', 'overwrite existing files in --out')
    .option('--no-pdf', 'report shards: skip report.pdf')
    .option('--json', 'print the JSON summary the unsharded command prints')
    .action(async (dirs: string[], opts: { out: string; force?: boolean; json?: boolean; pdf: boolean }) => {
      const out = resolve(opts.out)
      const { record, backends, merged } = await withEngine(program.opts(), (host) =>
        host.call('shard.merge', { dirs, out, force: !!opts.force, pdf: opts.pdf }),
      )
      if (backends.length > 1)
        process.stderr.write(
          `warning: the shards ran on different backends (${backends.join(', ')}); their numbers may differ in the last bits\n`,
        )
      printMerged(merged, { json: !!opts.json, out, record })
    })
}
