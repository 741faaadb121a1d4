import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join, resolve } from 'node:path'

export const REPO = fileURLToPath(new URL('../..', import.meta.url))
export const RESOURCES = join(REPO, 'resources')

/**
 * The large real data sets (full MNIST, Fashion-MNIST, CIFAR-10 JPEGs, sample images), which the
 * repository does not carry: from HFC_DATA_DIR, by default ../shared/data beside the checkout.
 */
export const SHARED_DATA = resolve(process.env.HFC_DATA_DIR || join(REPO, '..', 'shared', 'data'))
/** Third-party model files (Keras .h5/.keras with reference outputs): from HFC_FIXTURES_DIR, by default ../shared/fixtures. */
export const SHARED_FIXTURES = resolve(process.env.HFC_FIXTURES_DIR || join(REPO, '..', 'shared', 'fixtures'))

// What the large-data tests read; a folder that lacks any of it counts as absent, so such tests skip
// rather than fail half-way.
const DATA_PARTS = ['mnist', 'mnist-train-10k', 'fashion-mnist', join('cifar10', 'test'), 'samples']
export const HAS_DATA = DATA_PARTS.every((part) => existsSync(join(SHARED_DATA, part)))
export const HAS_FIXTURES = existsSync(join(SHARED_FIXTURES, 'keras'))

/** Appended to the name of a suite or test that needs the large data sets: when it is skipped, says why. */
export const NEEDS_DATA = HAS_DATA ? '' : ` (skipped: no data sets at ${SHARED_DATA}; set HFC_DATA_DIR)`
/** The same for the third-party model fixtures. */
export const NEEDS_FIXTURES = HAS_FIXTURES ? '' : ` (skipped: no fixtures at ${SHARED_FIXTURES}; set HFC_FIXTURES_DIR)`
