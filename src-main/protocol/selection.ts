import { z } from 'zod'

/** Which part of a selection one process or worker runs: contiguous block `index` of `count`. */
export const shardSchema = z
  .object({ index: z.number().int().min(0), count: z.number().int().min(1).max(100_000) })
  .strict()
  .refine((s) => s.index < s.count, { message: 'shard index must be below the shard count' })
export type Shard = z.infer<typeof shardSchema>

/**
 * The sample selection every batch job takes: explicit indices, else the first `limit`, else all;
 * then, with `n`, `seed` or `classIndex`, n of those drawn at random (seeded) from one class; then a shard.
 */
export const selectionFields = {
  limit: z.number().int().min(1).max(10_000_000).optional(),
  indices: z.string().max(1_000_000).optional(),
  n: z.number().int().min(1).max(10_000_000).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
  classIndex: z.number().int().min(0).optional(),
  shard: shardSchema.optional(),
}

/** Bounds of block `index` of `count` over n items: sizes differ by at most one, earlier blocks larger. */
export function shardBounds(n: number, shard: Shard): [number, number] {
  const base = Math.floor(n / shard.count)
  const extra = n % shard.count
  const start = shard.index * base + Math.min(shard.index, extra)
  return [start, start + base + (shard.index < extra ? 1 : 0)]
}

/** A batch job's selection as its handler gets it: selectionFields validated, and the host's sub-shard. */
export type Selection = z.output<z.ZodObject<typeof selectionFields>> & HostFields

/**
 * What the engine host adds to a call it spreads over its worker pool, beside the validated params:
 * never part of a method's schema, so no client can send it.
 */
export interface HostFields {
  /** This worker's block of the selection (a shard of the shard). */
  subShard?: Shard
}
