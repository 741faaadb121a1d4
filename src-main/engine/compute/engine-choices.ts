import { readFile } from 'node:fs/promises'
import { cpus, homedir } from 'node:os'
import { join } from 'node:path'
import { writeFileAtomic } from '../export/atomic-write'
import { withLock } from '../export/file-lock'

/** A measured engine choice, as remembered on this machine. */
export interface RememberedChoice {
  forward: 'tfjs' | 'onnxruntime'
  gradient: 'tfjs' | 'onnxruntime'
  reason: string
  /** Why `gradient` was chosen, once a gradient job decided it (until then `gradient` is provisional). */
  gradientReason?: string
}

/**
 * Where measured engine choices are kept: $HFC_CACHE_DIR, else the XDG cache folder. Remembering
 * them makes every later run on this machine (every shard of a sweep, every worker) use the same
 * engine for the same model, so their outputs agree to the bit and merge exactly.
 */
function cacheFile(): string {
  const dir = process.env.HFC_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hfc-lab')
  return join(dir, 'engine-choices.json')
}

/** Everything a timing depends on: the model and its variant, the engines and their threads, the CPU. */
export function choiceKey(parts: { sha256: string; variant: string; inputShape: number[]; tfjsBackend: string; threads: number }): string {
  return [
    parts.sha256,
    parts.variant,
    parts.inputShape.join('x'),
    parts.tfjsBackend,
    `ort-threads=${parts.threads}`,
    cpus()[0]?.model ?? 'cpu',
  ].join('|')
}

async function readAll(): Promise<Record<string, RememberedChoice>> {
  try {
    const parsed = JSON.parse(await readFile(cacheFile(), 'utf8')) as unknown
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, RememberedChoice>) : {}
  } catch {
    return {}
  }
}

function valid(choice: unknown): choice is RememberedChoice {
  const c = choice as RememberedChoice
  const engine = (e: unknown) => e === 'tfjs' || e === 'onnxruntime'
  return (
    !!c &&
    engine(c.forward) &&
    engine(c.gradient) &&
    typeof c.reason === 'string' &&
    (c.gradientReason === undefined || typeof c.gradientReason === 'string')
  )
}

export async function rememberedChoice(key: string): Promise<RememberedChoice | undefined> {
  const choice = (await readAll())[key]
  return valid(choice) ? choice : undefined
}

/**
 * Best effort: a read-only home folder only means the next run measures again. Processes and
 * workers that start together all write here, so each write re-reads and merges under a lock:
 * a plain read-modify-write would drop the entries another process added meanwhile.
 */
export async function rememberChoice(key: string, choice: RememberedChoice): Promise<void> {
  const file = cacheFile()
  try {
    await withLock(`${file}.lock`, async () => {
      const all = await readAll()
      all[key] = choice
      await writeFileAtomic(file, JSON.stringify(all, null, 1), { force: true })
    })
  } catch {
    // Not remembered; the choice still holds for this run.
  }
}
