import type { z } from 'zod'

/** One API method: its parameter schema (validated where a request is received) and its result type. */
export interface MethodSpec<P extends z.ZodTypeAny = z.ZodTypeAny, R = unknown> {
  params: P
  /** Phantom field: carries the result type only; never read at run time. */
  result: R
  /** Long jobs report progress and can be cancelled; short calls may too, but the UI shows only jobs. */
  job: boolean
  description: string
}

export function method<P extends z.ZodTypeAny>(params: P, description: string) {
  return {
    returns<R>(): MethodSpec<P, R> {
      return { params, result: undefined as R, job: false, description }
    },
  }
}

export function job<P extends z.ZodTypeAny>(params: P, description: string) {
  return {
    returns<R>(): MethodSpec<P, R> {
      return { params, result: undefined as R, job: true, description }
    },
  }
}
