import type { z } from 'zod'

/** One API method: its parameter schema (validated where a request is received), its result and partial types. */
export interface MethodSpec<P extends z.ZodTypeAny = z.ZodTypeAny, R = unknown, S = unknown> {
  params: P
  /** Phantom field: carries the result type only; never read at run time. */
  result: R
  /** Phantom field: what the call streams to onPartial before it ends (never when it streams nothing). */
  partial: S
  /** Long jobs report progress and can be cancelled; short calls may too, but the UI shows only jobs. */
  job: boolean
  description: string
}

/**
 * A partial of a job the host spread over its worker pool: each worker's own, under its index, so a
 * client can keep the latest of each and merge them as the host merges results. A pool of one worker
 * (or a host that did not spread the job) passes the partial on as it is.
 */
export interface PooledPartial<T> {
  worker: number
  workers: number
  data: T
}

/** What a pooled job's caller receives: a worker's partial as it is, or wrapped with its worker index. */
export type Pooled<T> = T | PooledPartial<T>

export function isPooledPartial<T>(partial: Pooled<T>): partial is PooledPartial<T> {
  const p = partial as Partial<PooledPartial<T>> | null
  return typeof p === 'object' && p !== null && typeof p.worker === 'number' && typeof p.workers === 'number' && 'data' in p
}

/** `returns<R>()` for a call that streams nothing, `returns<R, S>()` for one that streams S. */
export function method<P extends z.ZodTypeAny>(params: P, description: string) {
  return {
    returns<R, S = never>(): MethodSpec<P, R, S> {
      return { params, result: undefined as R, partial: undefined as S, job: false, description }
    },
  }
}

export function job<P extends z.ZodTypeAny>(params: P, description: string) {
  return {
    returns<R, S = never>(): MethodSpec<P, R, S> {
      return { params, result: undefined as R, partial: undefined as S, job: true, description }
    },
  }
}
