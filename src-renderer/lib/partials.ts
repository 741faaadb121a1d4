/**
 * A batch job spread over the engine's worker pool streams partials wrapped as
 * {worker, workers, data}; an unsharded one streams the data itself. This keeps the latest partial
 * of every worker and hands back the list, so a view can merge them the same way the host merges results.
 */
export function partialCollector<T>(): (payload: unknown) => T[] {
  const latest = new Map<number, T>()
  return (payload) => {
    const wrapped = payload as { worker?: number; workers?: number; data?: T }
    if (typeof wrapped.worker === 'number' && typeof wrapped.workers === 'number') latest.set(wrapped.worker, wrapped.data as T)
    else latest.set(0, payload as T)
    return [...latest.values()]
  }
}
