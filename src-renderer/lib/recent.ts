/** Files the analyst opened before (models, data sets), newest first, kept between sessions. */
export const MAX_RECENT = 8

/** The part of localStorage the list needs, so the logic runs without a browser. */
export interface RecentStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** A spec opened from a path; an embedded default is always one click away and is not listed. */
export interface PathSpec {
  path?: string
}

/** The stored list, each entry checked by `parse` (null drops it): storage is input like any other. */
export function loadRecent<T extends PathSpec>(storage: RecentStorage, key: string, parse: (value: unknown) => T | null): T[] {
  try {
    const stored = JSON.parse(storage.getItem(key) ?? '[]') as unknown
    if (!Array.isArray(stored)) return []
    return stored
      .flatMap((value) => {
        const spec = parse(value)
        return spec?.path ? [spec] : []
      })
      .slice(0, MAX_RECENT)
  } catch {
    return []
  }
}

/** The list with `spec` first: once per path (its latest options win), at most MAX_RECENT long. */
export function withRecent<T extends PathSpec>(list: readonly T[], spec: T): T[] {
  if (!spec.path) return [...list]
  return [spec, ...list.filter((r) => r.path !== spec.path)].slice(0, MAX_RECENT)
}

export function withoutRecent<T extends PathSpec>(list: readonly T[], path: string): T[] {
  return list.filter((r) => r.path !== path)
}

export function saveRecent(storage: RecentStorage, key: string, list: readonly PathSpec[]): void {
  try {
    storage.setItem(key, JSON.stringify(list))
  } catch {
    // A full or disabled storage only costs the list its next session.
  }
}
