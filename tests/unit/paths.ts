import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

export const REPO = fileURLToPath(new URL('../..', import.meta.url))
/** The project's shared real data sets (read-only). */
export const SHARED_DATA = join(REPO, '..', 'shared', 'data')
export const SHARED_FIXTURES = join(REPO, '..', 'shared', 'fixtures')
export const RESOURCES = join(REPO, 'resources')
