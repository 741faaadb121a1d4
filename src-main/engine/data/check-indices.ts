import { basename } from 'node:path'
import { LabError } from '../base/errors'

/** Rejects indices that are not whole numbers inside [0, count). */
export function checkIndices(indices: ArrayLike<number>, count: number, source: string): void {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]
    if (!Number.isInteger(i) || i < 0 || i >= count) {
      throw new LabError(
        'DATA_INDEX',
        `Image index ${i} is outside ${basename(source)}, which holds ${count} images (0 to ${count - 1}). Choose indices in that range.`,
        source,
      )
    }
  }
}
