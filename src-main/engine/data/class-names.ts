import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { LabError } from '../base/errors'
import { checkClassLabel, formatBytes, INPUT_LIMITS } from '../base/input-limits'
import { readRegularFile } from './byte-source'

/** Files that name the classes of whatever data set sits beside them, in the order tried. */
const CLASS_NAME_FILES = ['classes.json', 'labels.txt'] as const

/**
 * Class names from a classes.json (an array of names, or an object from class index to name)
 * or a labels.txt (one name per line) in `folder`; null when there is none.
 */
export async function readClassNameFile(folder: string): Promise<string[] | null> {
  for (const name of CLASS_NAME_FILES) {
    const file = join(folder, name)
    if (!existsSync(file)) continue
    const text = await readTextFile(file)
    const names = name.endsWith('.json') ? parseClassesJson(file, text) : parseLines(text)
    if (names.length > INPUT_LIMITS.maxClasses) {
      throw new LabError(
        'DATA_TOO_MANY_CLASSES',
        `${name} names ${names.length} classes, but HFC Lab handles at most ${INPUT_LIMITS.maxClasses.toLocaleString('en-US')}. Fix it or delete it.`,
        file,
      )
    }
    return names
  }
  return null
}

/** A small text file beside a data set (class names), refused past the stated size. */
export async function readTextFile(file: string): Promise<string> {
  const limit = INPUT_LIMITS.maxTextFileBytes
  const bytes = await readRegularFile(
    file,
    limit,
    () =>
      new LabError(
        'DATA_CLASSES',
        `${basename(file)} is larger than ${formatBytes(limit)}, too large for a list of class names. Fix it or delete it.`,
        file,
      ),
  )
  return new TextDecoder().decode(bytes)
}

/** One class name per line, in class-index order; trailing blank lines are dropped. */
export function parseLines(text: string): string[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim())
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

function parseClassesJson(file: string, text: string): string[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new LabError('DATA_CLASSES', `${basename(file)} is not valid JSON (${(e as Error).message}). Fix it or delete it.`, file)
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[]
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>)
    const names: string[] = []
    for (const [key, name] of entries) {
      const index = Number(key)
      if (!Number.isInteger(index) || index < 0 || typeof name !== 'string') {
        throw new LabError(
          'DATA_CLASSES',
          `${basename(file)} must map class indices to names, e.g. {"0": "cat"}; "${key}" is not one.`,
          file,
        )
      }
      checkClassLabel(index, `${basename(file)}`, file)
      names[index] = name
    }
    return Array.from(names, (n, i) => n ?? String(i))
  }
  throw new LabError('DATA_CLASSES', `${basename(file)} must hold an array of class names or an object from index to name.`, file)
}

/**
 * The class names to use: the file beside the data wins, then names the format carries,
 * then class indices as names; always long enough to cover every label.
 */
export function resolveClassNames(fromFile: string[] | null, fromFormat: string[] | null, labels: Int32Array, source: string): string[] {
  let max = -1
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i]
  checkClassLabel(max, basename(source), source)
  const base = fromFile ?? fromFormat ?? []
  const count = Math.max(base.length, max + 1)
  return Array.from({ length: count }, (_, i) => base[i] ?? String(i))
}

export function countClasses(labels: Int32Array, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0)
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++
  return counts
}
