import { createHash } from 'node:crypto'

/**
 * Ids of opened data sets and models are derived from what was asked for, so every worker of the
 * pool (and a restarted one) gives the same thing the same id.
 */
export function specId(prefix: string, spec: unknown): string {
  return `${prefix}-${createHash('sha1').update(JSON.stringify(spec)).digest('hex').slice(0, 12)}`
}
