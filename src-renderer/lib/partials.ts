import { isPooledPartial, type Pooled } from '../../src-main/protocol/define'

/**
 * A batch job spread over the engine's worker pool streams each worker's partial as a PooledPartial;
 * an unsharded one streams the partial itself. This keeps the latest partial of every worker and
 * hands back the list, so a view can merge them the same way the host merges results.
 */
export function partialCollector<T>(): (payload: Pooled<T>) => T[] {
  const latest = new Map<number, T>()
  return (payload) => {
    if (isPooledPartial(payload)) latest.set(payload.worker, payload.data)
    else latest.set(0, payload)
    return [...latest.values()]
  }
}
