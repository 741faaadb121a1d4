import type { Shard } from '../../protocol/selection'

/** The `--shard` option's help, naming the scheduler variables it reads. */
export const SHARD_HELP =
  'run only shard I of N (0-based) of the selection: contiguous block I after --n/--seed/--indices/--limit, so the N shards together are exactly the unsharded selection; ' +
  '"auto/N" takes I from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN (Slurm job array); ' +
  '"auto" also takes N from SLURM_ARRAY_TASK_COUNT. Needs --out (the shard folder); merge the folders with "hfc-lab merge"'

type Env = Record<string, string | undefined>

function wholeNumber(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim())) throw new Error(`${what} must be a whole number, got "${value}"`)
  return Number(value)
}

/** The shard index (and, from Slurm, the count) a scheduler put in the environment. */
function fromEnvironment(env: Env): { index: number; count?: number; source: string } {
  const k8s = env.JOB_COMPLETION_INDEX
  if (k8s !== undefined && k8s !== '') return { index: wholeNumber(k8s, 'JOB_COMPLETION_INDEX'), source: 'JOB_COMPLETION_INDEX' }
  const task = env.SLURM_ARRAY_TASK_ID
  if (task !== undefined && task !== '') {
    // Arrays may start anywhere (--array=1-4) or step (--array=0-6:2): count positions, not ids.
    const id = wholeNumber(task, 'SLURM_ARRAY_TASK_ID')
    const min = env.SLURM_ARRAY_TASK_MIN ? wholeNumber(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN') : 0
    const step = env.SLURM_ARRAY_TASK_STEP ? Math.max(1, wholeNumber(env.SLURM_ARRAY_TASK_STEP, 'SLURM_ARRAY_TASK_STEP')) : 1
    if (id < min || (id - min) % step !== 0)
      throw new Error(`SLURM_ARRAY_TASK_ID ${id} is not on the array's grid (min ${min}, step ${step})`)
    const count = env.SLURM_ARRAY_TASK_COUNT ? wholeNumber(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT') : undefined
    return { index: (id - min) / step, count, source: 'SLURM_ARRAY_TASK_ID' }
  }
  throw new Error(
    '--shard auto needs the shard index from the scheduler: JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm job array) is not set. Give it explicitly, e.g. --shard 0/4',
  )
}

/**
 * Parses `--shard`: "I/N" (shard I of N, 0-based), "auto/N" (I from the scheduler's environment)
 * or "auto" (I and N from a Slurm array).
 */
export function parseShardSpec(text: string, env: Env = process.env): Shard {
  const spec = text.trim().toLowerCase()
  const match = /^(auto|\d+)(?:\/(\d+))?$/.exec(spec)
  if (!match) throw new Error(`--shard "${text}" must look like I/N (e.g. 0/4), auto/N or auto`)
  let index: number
  let count = match[2] !== undefined ? Number(match[2]) : undefined
  if (match[1] === 'auto') {
    const found = fromEnvironment(env)
    index = found.index
    if (count !== undefined && found.count !== undefined && found.count !== count) {
      throw new Error(`--shard ${text} says ${count} shards but SLURM_ARRAY_TASK_COUNT is ${found.count}; make them agree`)
    }
    count ??= found.count
    if (count === undefined)
      throw new Error(`--shard auto needs the shard count: ${found.source} gives only the index. Write --shard auto/N`)
  } else {
    index = Number(match[1])
    if (count === undefined) throw new Error(`--shard "${text}" needs the shard count: write I/N, e.g. ${index}/4`)
  }
  if (count < 1 || count > 100_000) throw new Error(`The shard count must be 1 to 100000, got ${count}`)
  if (index >= count) throw new Error(`Shard index ${index} is not below the shard count ${count} (indices run 0 to ${count - 1})`)
  return { index, count }
}
