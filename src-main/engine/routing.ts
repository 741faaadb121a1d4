import type { CallOptions } from '../protocol/lab-api'
import type { MethodName } from '../protocol/methods'

export interface ShardRun {
  params: unknown
  workers: number
  options: CallOptions
  callOn(worker: number, params: unknown, options: CallOptions): Promise<unknown>
}

/**
 * How the host spreads a method over its worker pool:
 * - single: worker 0 answers (interactive calls);
 * - broadcast: every worker runs it (opening a data set or model, so any worker can serve a shard);
 * - shard: a batch job split by sample over the workers and merged.
 */
export type Route = { kind: 'single' } | { kind: 'broadcast' } | { kind: 'shard'; run(shard: ShardRun): Promise<unknown> }

const broadcast: Route = { kind: 'broadcast' }

const routes: Partial<Record<MethodName, Route>> = {
  'data.open': broadcast,
  'model.open': broadcast,
  'model.variant': broadcast,
}

export function routeFor(method: MethodName): Route {
  return routes[method] ?? { kind: 'single' }
}
