import { median } from '../src-main/protocol/summaries'

/** Median wall time in ms of `run` over `repeats` runs after one warm-up. */
export async function medianMs(run: () => unknown, repeats: number): Promise<number> {
  await run()
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const start = performance.now()
    await run()
    times.push(performance.now() - start)
  }
  return median(times) as number
}
