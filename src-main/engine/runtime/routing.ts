import type { PooledPartial } from '../../protocol/define'
import type { CallOptions } from '../../protocol/lab-api'
import type { Progress } from '../../protocol/messages'
import { mergeHeatmaps } from '../../protocol/heatmap'
import type { MethodName } from '../../protocol/methods'
import type { Selection, Shard } from '../../protocol/selection'
import type { CurveEntryData, CurveEntryPartial } from '../../protocol/attacks'
import {
  mergeAttackRun,
  mergeCurveEntry,
  mergeCurveRun,
  mergeEvaluate,
  mergeExamples,
  mergeFigure1,
  mergePredict,
  mergeRadiusCurve,
} from '../jobs/shard-merge'

export interface ShardRun {
  params: unknown
  workers: number
  options: CallOptions
  /** Runs the job on one worker, on its block `subShard` of the selection when given. */
  callOn(worker: number, params: unknown, options: CallOptions, subShard?: Shard): Promise<unknown>
}

/**
 * How the host spreads a method over its worker pool:
 * - single: worker 0 answers (interactive calls);
 * - broadcast: every worker runs it (opening a data set or model, so any worker can serve a shard);
 * - shard: a batch job split by sample over the workers and merged exactly.
 * Methods the host answers itself (HOST_METHODS) have no route: see host-methods.ts.
 */
export type Route = { kind: 'single' } | { kind: 'broadcast' } | { kind: 'shard'; run(shard: ShardRun): Promise<unknown> }

/**
 * How a sharded job's partials (In, what each worker's job streams) reach the caller (Out): by
 * default each worker's own, as the protocol's PooledPartial (the methods declare theirs Pooled<T>).
 */
type PartialStream<In, Out> = (workers: number, emit: (data: Out) => void) => (worker: number, data: In) => void

const wrapPartials: PartialStream<unknown, PooledPartial<unknown>> = (workers, emit) => (worker, data) => emit({ worker, workers, data })

/**
 * Curve entries of a sharded sweep: every worker runs the same (attack, defense, protocol) pairs in
 * the same order on its own samples, so entry k is complete once every worker has streamed its k-th;
 * it is then merged and passed on unwrapped. A sharded sweep thus streams whole curves as each
 * attack finishes, as a single worker does, and what a cancel cuts short keeps the finished ones.
 */
export const curveEntryStream: PartialStream<CurveEntryPartial, CurveEntryPartial> = (workers, emit) => {
  const received: CurveEntryData[][] = Array.from({ length: workers }, () => [])
  let sent = 0
  return (worker, partial) => {
    if (partial.type !== 'curve-entry' || !received[worker]) return
    received[worker].push(partial.entry)
    while (received.every((entries) => entries.length > sent)) {
      emit({ type: 'curve-entry', entry: mergeCurveEntry(received.map((entries) => entries[sent])) })
      sent++
    }
  }
}

/** How many items an index list such as "0-99,120" names, or Infinity when it does not parse. */
function countIndices(list: string): number {
  let count = 0
  for (const part of list.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part)
    if (!m) return Infinity
    count += m[2] === undefined ? 1 : Math.max(0, Number(m[2]) - Number(m[1]) + 1)
  }
  return count
}

/**
 * At most how many samples a job's selection holds, from its params alone: the limit, the number
 * drawn or the listed indices, divided among the process's shards; Infinity when only the data set
 * can tell (then a data set smaller than the pool still leaves some workers without samples).
 */
export function selectionBound(selection: Selection): number {
  let bound = Infinity
  if (selection.limit !== undefined) bound = Math.min(bound, selection.limit)
  if (selection.n !== undefined) bound = Math.min(bound, selection.n)
  if (selection.indices !== undefined) bound = Math.min(bound, countIndices(selection.indices))
  return selection.shard ? Math.ceil(bound / selection.shard.count) : bound
}

/** Runs one contiguous sub-shard per worker, sums their progress, and merges the results in order. */
function sharded<R, In = unknown>(merge: (parts: R[]) => R, split = true, stream: PartialStream<In, unknown> = wrapPartials): Route {
  return {
    kind: 'shard',
    async run({ params, workers: pool, options, callOn }) {
      // Never more blocks than the params say there are samples; where a filter (a class) leaves fewer,
      // a worker's block is empty and its job answers the empty result, which merges as zero samples.
      const workers = split ? Math.max(1, Math.min(pool, selectionBound(params as Selection))) : pool
      const progress: Progress[] = Array.from({ length: workers }, () => ({ done: 0, total: 0 }))
      const partial = stream(workers, (data) => options.onPartial?.(data))
      const report = (phase?: string) =>
        options.onProgress?.({ done: progress.reduce((s, p) => s + p.done, 0), total: progress.reduce((s, p) => s + p.total, 0), phase })
      const workerOptions = (j: number): CallOptions<In> => ({
        signal: options.signal,
        onProgress: (p) => {
          progress[j] = p
          report(p.phase)
        },
        onPartial: (data) => partial(j, data),
      })
      const parts = await Promise.all(
        Array.from({ length: workers }, (_, j) => callOn(j, params, workerOptions(j), split ? { index: j, count: workers } : undefined)),
      )
      return merge(parts as R[])
    },
  }
}

const broadcast: Route = { kind: 'broadcast' }

const routes: Partial<Record<MethodName, Route>> = {
  'data.open': broadcast,
  'data.close': broadcast,
  'model.open': broadcast,
  'model.close': broadcast,
  'model.variant': broadcast,
  'model.predict': sharded(mergePredict),
  'model.evaluate': sharded(mergeEvaluate),
  'spectral.figure1': sharded(mergeFigure1),
  'spectral.radiusCurve': sharded(mergeRadiusCurve),
  'spectral.heatmap': sharded(mergeHeatmaps),
  'attack.run': sharded(mergeAttackRun),
  'attack.curve': sharded(mergeCurveRun, true, curveEntryStream),
  // Every worker keeps the examples of its own shard: ask them all and put the rows together.
  'attack.examples': sharded(mergeExamples, false),
}

export function routeFor(method: MethodName): Route {
  return routes[method] ?? { kind: 'single' }
}
