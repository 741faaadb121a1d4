import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { withHdf5 } from '../../../../src-main/engine/models/hdf5-file'
import { REPO } from '../../paths'

// A small Keras .h5 the repository carries (tests/fixtures/keras/make_tiny.py).
const H5 = join(REPO, 'tests', 'fixtures', 'keras', 'tiny.h5')
const onDisk = () => [...readdirSync(tmpdir()), ...readdirSync('/')].filter((f) => f.startsWith('hfc-h5-') || f.startsWith('hfc-model-'))

describe('withHdf5', () => {
  it('reads concurrent copies of one file in memory, without clashes and without a copy on disk', async () => {
    const before = onDisk()
    const bytes = new Uint8Array(readFileSync(H5))
    const names = await Promise.all([0, 1, 2].map(() => withHdf5(bytes, 'model.h5', (file) => file.keys().sort())))
    for (const keys of names) expect(keys).toEqual(['model_weights'])
    expect(onDisk()).toEqual(before)
  })

  it('opens a Keras .h5 for an unprivileged user (h5wasm/node would write its copy at the disk root)', () => {
    const script = `import('${join(REPO, 'src-main/engine/models/hdf5-file.ts')}').then((m) => m.withHdf5(new Uint8Array(require('node:fs').readFileSync('${H5}')), 'm.h5', (f) => f.keys().length)).then((n) => console.log('groups', n), (e) => console.log(e.code ?? e.message))`
    const asNobody = process.getuid?.() === 0 ? ['runuser', '-u', 'nobody', '--'] : []
    const [command, ...args] = [...asNobody, process.execPath, '--import', 'tsx', '-e', script]
    expect(execFileSync(command, args, { encoding: 'utf8', cwd: REPO }).trim()).toBe('groups 1')
  })
})
