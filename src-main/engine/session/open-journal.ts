import type { MethodName } from '../../protocol/methods'

/**
 * How much one worker keeps open. Each data set holds a file handle (or its decompressed bytes)
 * and each model or defended variant its weights and an onnxruntime session (tens of MB), per
 * worker: a long session must not grow without bound. The host closes the least recently opened
 * data sets, models and variants past these counts; a worker drops its least recently used variants.
 */
export const OPEN_LIMITS = { datasets: 8, models: 4, variants: 4 } as const

/** How many closed ids the journal still knows how to open again (their params are a few hundred bytes each). */
export const RECIPE_LIMIT = 256

type OpenKind = keyof typeof OPEN_LIMITS

/** The calls that open something on a worker, and what they open. */
const OPENS: Partial<Record<MethodName, OpenKind>> = { 'data.open': 'datasets', 'model.open': 'models', 'model.variant': 'variants' }

export interface JournalEntry {
  id: string
  kind: OpenKind
  method: MethodName
  params: unknown
  /** The model a variant was made from: closing the model closes the variant. */
  parent?: string
}

/** The call that closes an opened id on a worker. */
export type CloseCall = { method: 'data.close'; params: { datasetId: string } } | { method: 'model.close'; params: { modelId: string } }

export function closeCallFor(entry: Pick<JournalEntry, 'id' | 'kind'>): CloseCall {
  return entry.kind === 'datasets'
    ? { method: 'data.close', params: { datasetId: entry.id } }
    : { method: 'model.close', params: { modelId: entry.id } }
}

export function opens(method: MethodName): boolean {
  return OPENS[method] !== undefined
}

/**
 * What every worker of the pool has open, so a restarted or newly started worker can be brought
 * to the same state: only opens that succeeded, each id once, least recently opened first, and
 * at most OPEN_LIMITS of each kind (the host closes what falls off).
 *
 * It also remembers how each id was opened after it was closed. Ids are derived from what was
 * asked for, so a closed id can be opened again as the same thing: a client whose model another
 * client closed, or that fell past OPEN_LIMITS, gets it back instead of NOT_FOUND.
 */
export class OpenJournal {
  private entries = new Map<string, JournalEntry>()
  private closed = new Map<string, JournalEntry>()

  has(id: string): boolean {
    return this.entries.has(id)
  }

  /** Replay order: a variant always after the model it was made from. */
  list(): JournalEntry[] {
    return [...this.entries.values()]
  }

  /**
   * Records a successful open as the most recent (re-opening moves it, with its variants, to the
   * end) and returns the entries that fell past the limits, which the caller must close.
   */
  record(method: MethodName, params: unknown, id: string): JournalEntry[] {
    const kind = OPENS[method]
    if (!kind) throw new Error(`${method} opens nothing`)
    const parent = kind === 'variants' ? (params as { modelId: string }).modelId : undefined
    const moved = this.descendants(id)
    this.closed.delete(id)
    this.entries.delete(id)
    this.entries.set(id, { id, kind, method, params, parent })
    for (const entry of moved) {
      this.entries.delete(entry.id)
      this.entries.set(entry.id, entry)
    }
    const evicted: JournalEntry[] = []
    for (const k of Object.keys(OPEN_LIMITS) as OpenKind[]) {
      let ofKind = [...this.entries.values()].filter((e) => e.kind === k)
      while (ofKind.length > OPEN_LIMITS[k]) {
        evicted.push(...this.forget(ofKind[0].id))
        ofKind = [...this.entries.values()].filter((e) => e.kind === k)
      }
    }
    return evicted
  }

  /** Removes an id and every variant made from it; returns what was removed. */
  forget(id: string): JournalEntry[] {
    const entry = this.entries.get(id)
    if (!entry) return []
    const removed = [entry, ...this.descendants(id)]
    for (const e of removed) {
      this.entries.delete(e.id)
      this.closed.set(e.id, e)
    }
    for (const oldest of this.closed.keys()) {
      if (this.closed.size <= RECIPE_LIMIT) break
      this.closed.delete(oldest)
    }
    return removed
  }

  /** How an id, open or closed, was opened; undefined for an id this journal never recorded. */
  recipe(id: string): JournalEntry | undefined {
    return this.entries.get(id) ?? this.closed.get(id)
  }

  private descendants(id: string): JournalEntry[] {
    const out: JournalEntry[] = []
    for (const e of this.entries.values()) if (e.parent === id) out.push(e, ...this.descendants(e.id))
    return out
  }
}
