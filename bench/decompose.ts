import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchRow } from './row'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const MNIST = fileURLToPath(new URL('../../shared/data/mnist', import.meta.url))
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'

/** What an analyst would write instead: read the IDX file, split at r with numpy, save x/low/high .npy. */
const NUMPY_EXPORT = `
import gzip, os, sys, numpy as np
src, out, r = sys.argv[1], sys.argv[2], float(sys.argv[3])
x = np.frombuffer(gzip.open(os.path.join(src, 't10k-images-idx3-ubyte.gz')).read(), np.uint8, offset=16).reshape(-1, 28, 28, 1).astype(np.float32) / 255
yy, xx = np.meshgrid(np.arange(28) - 14, np.arange(28) - 14, indexing='ij')
mask = (np.hypot(yy, xx) < r)[None, :, :, None]
F = np.fft.fftshift(np.fft.fft2(x, axes=(1, 2)), axes=(1, 2))
low = np.real(np.fft.ifft2(np.fft.ifftshift(F * mask, axes=(1, 2)), axes=(1, 2))).astype(np.float32)
os.makedirs(out, exist_ok=True)
for name, a in (('x', x), ('low', low), ('high', x - low)): np.save(os.path.join(out, name + '.npy'), a)
`

function timed(command: string, args: string[]): number {
  const start = performance.now()
  const result = spawnSync(command, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] })
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr?.toString().split('\n')[0] ?? result.error}`)
  return (performance.now() - start) / 1000
}

/** `hfc-lab decompose --format npy` on the 10,000 MNIST test images against the numpy script, both as whole processes. */
export async function benchDecompose(): Promise<BenchRow[]> {
  if (!existsSync(join(REPO, 'out', 'main', 'cli.js')) || !existsSync(MNIST)) return []
  const dir = mkdtempSync(join(tmpdir(), 'hfc-bench-decompose-'))
  try {
    const ours = timed(process.execPath, [
      join(REPO, 'bin', 'hfc-lab.js'),
      'decompose',
      '--data',
      MNIST,
      '--radius',
      '8',
      '--indices',
      '0-9999',
      '--out',
      join(dir, 'ours'),
      '--format',
      'npy',
    ])
    const hasNumpy = spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0
    const baseline = hasNumpy ? timed(PYTHON, ['-c', NUMPY_EXPORT, MNIST, join(dir, 'numpy'), '8']) : null
    const ratio = baseline === null ? null : ours / baseline
    return [
      {
        workload: 'decompose --format npy, 10,000 MNIST (process, vs numpy script)',
        ours,
        baseline,
        ratio,
        target: '<= 2',
        pass: ratio === null ? null : ratio <= 2,
        unit: 's',
      },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
