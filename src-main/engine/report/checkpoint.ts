import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { ReportSectionId } from '../../protocol/report'
import { LabError } from '../base/errors'
import { ensureWritableFolder, writeFileAtomic } from '../export/atomic-write'
import { decodeResult, encodeResult } from '../shards/journal'
import { REPORT_INDEX, REPORT_RESULTS } from './write-report'

/** Finished sections of a run, kept inside the report folder until the run is replaced. */
const CHECKPOINTS = '.report-sections'

interface Saved {
  /** SHA-256 of the model, the data set's fingerprint and every setting: one run. */
  key: string
  value: unknown
}

/**
 * Typed arrays and non-finite numbers (a median over no fooled sample is NaN) are kept exactly, as
 * a shard's batches keep them. A damaged checkpoint reads as none: its section runs again.
 */
async function readSaved(file: string): Promise<Saved | null> {
  try {
    return decodeResult<Saved>(await readFile(file, 'utf8'))
  } catch {
    return null
  }
}

/**
 * Loads a finished section of the same run, or null. The folder must take files (OUT_NOT_WRITABLE
 * at once, before any work). Unless `force`, a folder that holds a report of another run (or files
 * named like a report's) is refused, so nothing the user has is overwritten without asking.
 */
export async function loadSection(out: string, key: string, section: ReportSectionId, force = false): Promise<unknown> {
  const folder = resolve(out)
  await ensureWritableFolder(folder)
  if (force) return null
  const file = join(folder, CHECKPOINTS, `${section}.json`)
  if (existsSync(file)) {
    const saved = await readSaved(file)
    if (saved?.key === key) return saved.value
  }
  const own = existsSync(join(folder, CHECKPOINTS)) ? await sameRun(folder, key) : false
  if (!own && (existsSync(join(folder, REPORT_INDEX)) || existsSync(join(folder, REPORT_RESULTS)))) {
    throw new LabError(
      'EXISTS',
      `${folder} already holds a report of another run. Choose an empty folder, or confirm replacing it (CLI: --force).`,
    )
  }
  return null
}

async function sameRun(folder: string, key: string): Promise<boolean> {
  for (const name of await readdir(join(folder, CHECKPOINTS))) {
    const saved = await readSaved(join(folder, CHECKPOINTS, name))
    if (saved?.key === key) return true
  }
  return false
}

export async function saveSection(out: string, key: string, section: ReportSectionId, value: unknown): Promise<void> {
  const saved: Saved = { key, value }
  await writeFileAtomic(join(resolve(out), CHECKPOINTS, `${section}.json`), encodeResult(saved), { force: true })
}

/** A finished section of the run `key` in a folder, read only (a merge reads the shards' sections); null when it is not there. */
export async function readSection(folder: string, key: string, section: ReportSectionId): Promise<unknown> {
  const saved = await readSaved(join(resolve(folder), CHECKPOINTS, `${section}.json`))
  return saved?.key === key ? saved.value : null
}
