import type { z } from 'zod'
import type { MethodSpec, PooledPartial } from './define'
import { attackMethods } from './attacks'
import { dataMethods } from './data'
import { engineMethods } from './engine'
import { galleryMethods } from './gallery'
import { heatmapMethods } from './heatmap'
import { modelMethods } from './models'
import { reportMethods } from './report'
import { shardMethods } from './shards'
import { spectralMethods } from './spectral'

/** Every method the engine answers, in one table: the API is defined once, here. */
export const methods = {
  ...engineMethods,
  ...dataMethods,
  ...spectralMethods,
  ...modelMethods,
  ...attackMethods,
  ...galleryMethods,
  ...heatmapMethods,
  ...reportMethods,
  ...shardMethods,
} satisfies Record<string, MethodSpec>

export type Methods = typeof methods
export type MethodName = keyof Methods
export type Params<M extends MethodName> = z.input<Methods[M]['params']>
export type ParsedParams<M extends MethodName> = z.output<Methods[M]['params']>
export type Result<M extends MethodName> = Methods[M]['result']
/** What a call of M streams to its caller's onPartial; never for a method that streams nothing. */
export type PartialOf<M extends MethodName> = Methods[M]['partial']
/** What M's job streams through ctx.partial on one worker: PartialOf<M> without the worker pool's wrapper. */
export type JobPartialOf<M extends MethodName> = Exclude<PartialOf<M>, PooledPartial<unknown>>

/**
 * Methods the engine host runs itself, over its own API, as a job made of other jobs (so each of
 * their batch jobs is still spread over the worker pool); no worker has a handler for them.
 */
export const HOST_METHODS = [
  'report.run',
  'report.shard',
  'shard.run',
  'shard.status',
  'shard.merge',
  'results.save',
] as const satisfies readonly MethodName[]
export type HostMethodName = (typeof HOST_METHODS)[number]

export function isHostMethod(method: string): method is HostMethodName {
  return (HOST_METHODS as readonly string[]).includes(method)
}

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name)
}
