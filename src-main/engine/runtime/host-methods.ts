import type { CallOptions, LabApi } from '../../protocol/lab-api'
import { methods, type HostMethodName, type ParsedParams, type PartialOf, type Result } from '../../protocol/methods'
import { mergeReportShards, runReport, runReportShard } from '../report'
import {
  listBatches,
  loadShardRecords,
  mergeShards,
  runShard,
  writeAttackOutputs,
  writeCurveOutputs,
  writeEvaluation,
  writeFigure1,
  writeGradients,
  writeHeatmapOutputs,
  writeKernelOutputs,
} from '../shards'
import { runShardBatch } from '../shards/batch-job'

/**
 * The methods the EngineHost answers itself rather than on a worker (HOST_METHODS in the protocol):
 * jobs that drive other engine calls (a shard runs its batches over the whole worker pool, the report
 * runs every section's jobs) and work on result folders. Each is an adapter: validated params in, one
 * domain call, its result out.
 */

interface HostEngine extends LabApi {
  /** The TF.js backend the workers run on (recorded in shard.json). */
  readonly backendName: string
}

type HostMethod<M extends HostMethodName> = (
  params: ParsedParams<M>,
  options: CallOptions<PartialOf<M>>,
  engine: HostEngine,
) => Promise<Result<M>>

export const hostMethods: { [M in HostMethodName]: HostMethod<M> } = {
  async 'report.run'(params, options, engine) {
    return runReport(engine, params, options)
  },

  async 'report.shard'(params, options, engine) {
    return runReportShard(engine, params, options, engine.backendName)
  },

  async 'shard.run'(p, options, engine) {
    const forward = { signal: options.signal }
    const selected = await engine.call('data.selection', { datasetId: p.dataset.id, ...p.selection }, forward)
    return runShard({
      command: p.command,
      out: p.out,
      force: p.force,
      shard: p.shard,
      batchSize: p.batchSize,
      run: p.run,
      selection: p.selection,
      argv: p.argv,
      model: p.model,
      dataset: { spec: p.dataset.spec, name: selected.name, count: selected.count, fingerprint: selected.fingerprint },
      selected: selected.indices,
      backend: engine.backendName,
      runBatch: (ids, dir, onProgress) => runShardBatch(engine, p.job, ids, dir, { ...forward, onProgress }),
      onProgress: options.onProgress,
    })
  },

  async 'shard.status'({ out }) {
    const batches = await listBatches(out)
    return { batches: batches.length, samples: batches.reduce((sum, b) => sum + b.end - b.start, 0) }
  },

  async 'shard.merge'({ dirs, out, force, pdf }) {
    const shards = await loadShardRecords(dirs)
    const { record } = shards[0]
    if (record.command !== 'report') return mergeShards(shards, record.command, out, force)
    const backends = [...new Set(shards.map((s) => s.record.backend))]
    return { record, backends, merged: { command: 'report', result: await mergeReportShards(shards, out, force, pdf) } }
  },

  async 'results.save'({ job, out, file, force, meta }, options, engine) {
    const forward = { signal: options.signal, onProgress: options.onProgress }
    // The schema's refinement guarantees the target each job writes to.
    const folder = out!
    switch (job.method) {
      case 'model.evaluate': {
        const result = await engine.call(job.method, job.params, forward)
        await writeEvaluation(result, folder, force)
        return { method: job.method, result }
      }
      case 'model.gradient': {
        const result = await engine.call(job.method, job.params, forward)
        await writeGradients(result, file!, force)
        return { method: job.method, result }
      }
      case 'model.kernels': {
        const result = await engine.call(job.method, job.params, forward)
        await writeKernelOutputs(result, folder, force)
        return { method: job.method, result }
      }
      case 'attack.run': {
        const result = await engine.call(job.method, { ...job.params, returnAdversarials: true }, forward)
        await writeAttackOutputs(result, folder, force, meta)
        return { method: job.method, result }
      }
      case 'attack.curve': {
        const result = await engine.call(job.method, job.params, forward)
        await writeCurveOutputs(result, methods[job.method].params.parse(job.params).norm, folder, force)
        return { method: job.method, result }
      }
      case 'spectral.figure1': {
        const result = await engine.call(job.method, job.params, forward)
        await writeFigure1(result, folder, force)
        return { method: job.method, result }
      }
      case 'spectral.heatmap': {
        const result = await engine.call(job.method, job.params, forward)
        await writeHeatmapOutputs(result, folder, force)
        return { method: job.method, result }
      }
    }
  },
}
