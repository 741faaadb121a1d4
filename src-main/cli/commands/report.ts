import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { EngineHost } from '../../engine/runtime/host'
import { REPORT_SECTION_LABELS } from '../../protocol/report'
import { printJson, progressBar, withEngine } from '../engine'
import { parseShardSpec } from '../shard'
import { datasetSpec, modelSpec, type SpecFlags } from '../specs'

interface ReportFlags extends SpecFlags {
  model: string
  data: string
  out: string
  preset: string
  limit?: number
  seed: number
  force?: boolean
  pdf: boolean
  json?: boolean
  shard?: string
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      "the paper's study for one model in one step: Figure 1 with the SVD control, accuracy versus radius, Figures 2-4 with AUC tables, " +
        'Appendix B and C, the D2 kernels and the Fourier heat map, written as an offline folder (index.html + PNGs, results.json, report.pdf)',
    )
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--out <dir>', 'report folder (a re-run of the same command resumes after its last finished section)')
    .option('--preset <name>', 'quick (minutes on a laptop) | paper (the settings of docs/algorithms.md)', 'quick')
    .option('--limit <n>', 'only the first N images, for every section', Number)
    .option('--seed <s>', 'seed of the sample draws, the random attacks and the heat map signs', Number, 0)
    .option('--force', 'replace a report already in the folder (else finished sections of the same run are kept)')
    .option('--no-pdf', 'skip report.pdf')
    .option(
      '--shard <I/N|auto/N|auto>',
      'measure only block I of N of every section\'s images into --out, a shard folder a re-run resumes ("auto/N" and "auto" take I from ' +
        'JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, as the batch commands do); "hfc-lab merge <shard folders> --out DIR" writes the report',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (opts: ReportFlags) => {
      if (opts.preset !== 'quick' && opts.preset !== 'paper') throw new Error(`--preset must be quick or paper, got "${opts.preset}"`)
      if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1))
        throw new Error(`--limit must be a whole number of at least 1, got ${opts.limit}`)
      if (!Number.isInteger(opts.seed) || opts.seed < 0) throw new Error(`--seed must be a whole number of at least 0, got ${opts.seed}`)
      const out = resolve(opts.out)
      const started = performance.now()
      if (opts.shard !== undefined) return runReportShard(program, opts, out, started)
      const summary = await withEngine(
        program.opts(),
        async (host) => {
          return host.call(
            'report.run',
            { ...(await reportRequest(host, opts, out)), pdf: opts.pdf },
            {
              onProgress: progressBar('report'),
              onPartial: (p) => {
                if (p.type === 'report-section' && p.status === 'done' && !opts.json)
                  process.stderr.write(
                    `${REPORT_SECTION_LABELS[p.section]}: ${p.summary} (${p.resumed ? 'kept from the last run' : `${p.seconds.toFixed(1)} s`})\n`,
                  )
              },
            },
          )
        },
        () => `Finished sections are kept in ${out}; run the same command again to resume.`,
      )
      if (opts.json) return printJson({ ...summary, data: undefined, seconds: (performance.now() - started) / 1000 })
      console.log(`wrote ${summary.index} (${summary.files.length} files) in ${((performance.now() - started) / 1000).toFixed(0)} s`)
      console.log(summary.pdf ? `PDF: ${summary.pdf}` : `No PDF: ${summary.pdfNote}`)
    })
}

/** What a whole run and a shard both ask for: the opened model and data set, and the report's settings. */
async function reportRequest(host: EngineHost, opts: ReportFlags, out: string) {
  const { id: datasetId } = await host.call('data.open', datasetSpec(opts.data, opts))
  const { id: modelId } = await host.call('model.open', modelSpec(opts.model, opts))
  return { modelId, datasetId, out, preset: opts.preset as 'quick' | 'paper', limit: opts.limit, seed: opts.seed, force: !!opts.force }
}

/** `hfc-lab report --shard I/N`: one shard of the run into its folder; `hfc-lab merge` writes the report. */
async function runReportShard(program: Command, opts: ReportFlags, out: string, started: number): Promise<void> {
  const shard = parseShardSpec(opts.shard ?? '')
  const outcome = await withEngine(
    program.opts(),
    async (host) => {
      return host.call(
        'report.shard',
        {
          ...(await reportRequest(host, opts, out)),
          shard,
          argv: process.argv.slice(2),
          modelSpec: opts.model,
          dataSpec: opts.data,
        },
        { onProgress: progressBar(`report shard ${shard.index}/${shard.count}`) },
      )
    },
    () => `Finished sections of shard ${shard.index}/${shard.count} are kept in ${out}; run the same command again to resume.`,
  )
  const { record } = outcome
  const seconds = (performance.now() - started) / 1000
  if (opts.json)
    return printJson({
      shard: record.shard,
      samples: outcome.samples,
      sectionsRun: outcome.batchesRun,
      sectionsResumed: outcome.batchesResumed,
      out,
      finished: record.finished,
      seconds,
    })
  const { start, end, index, count } = record.shard
  const kept = outcome.batchesResumed ? `, ${outcome.batchesResumed} kept from the last run` : ''
  console.log(
    `report shard ${index}/${count}: positions ${start}-${end - 1} of the ${record.selected.count} selected, ${outcome.batchesRun} section(s) measured${kept} in ${seconds.toFixed(0)} s; wrote ${out}. Merge all shards with: hfc-lab merge <shard folders> --out <report folder>`,
  )
}
