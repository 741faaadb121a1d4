import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import sharp from 'sharp'
import * as tf from '@tensorflow/tfjs-core'
import { chooseBackend } from '../src-main/engine/compute/backend'
import { decompose, decomposeBatch } from '../src-main/engine/spectral'
import { medianMs } from './median-ms'
import type { BenchRow } from './row'

const SHARED_DATA = fileURLToPath(new URL('../../shared/data', import.meta.url))
const REPEATS = 5
const TOLERANCE = 1e-5

type Shape = [number, number, number, number]

interface Workload {
  name: string
  pixels: Float32Array
  shape: Shape
  /** The D1 radius presets for this size (docs/algorithms.md §D1); the middle one is also timed through the Float32Array path. */
  radii: number[]
}

/** Deterministic stand-in when the shared data set is absent (the row says so). */
function seededPixels(size: number): Float32Array {
  let state = 12345
  return Float32Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31
  })
}

function mnistWorkload(): Workload {
  const shape: Shape = [10_000, 28, 28, 1]
  const file = join(SHARED_DATA, 'mnist', 't10k-images-idx3-ubyte.gz')
  if (!existsSync(file))
    return { name: '10,000 random 28x28 (MNIST not found)', pixels: seededPixels(10_000 * 784), shape, radii: [4, 8, 12] }
  const bytes = gunzipSync(readFileSync(file)).subarray(16, 16 + 10_000 * 784)
  return { name: '10,000 MNIST 28x28', pixels: Float32Array.from(bytes, (b) => b / 255), shape, radii: [4, 8, 12] }
}

/** 100 images at 224x224x3: the 20 ImageNet samples, resized and repeated five times. */
async function imagenetWorkload(): Promise<Workload> {
  const shape: Shape = [100, 224, 224, 3]
  const dir = join(SHARED_DATA, 'samples')
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.startsWith('imagenet_'))
        .sort()
    : []
  if (files.length === 0)
    return {
      name: '100 random 224x224x3 (ImageNet samples not found)',
      pixels: seededPixels(100 * 224 * 224 * 3),
      shape,
      radii: [16, 32, 64],
    }
  const pixels = new Float32Array(100 * 224 * 224 * 3)
  const stride = 224 * 224 * 3
  for (let i = 0; i < files.length; i++) {
    const raw = await sharp(join(dir, files[i])).removeAlpha().resize(224, 224, { fit: 'fill' }).raw().toBuffer()
    for (let copy = i; copy < 100; copy += files.length) {
      for (let k = 0; k < stride; k++) pixels[copy * stride + k] = raw[k] / 255
    }
  }
  return { name: `100 ImageNet 224x224x3 (${files.length} samples x ${Math.ceil(100 / files.length)})`, pixels, shape, radii: [16, 32, 64] }
}

/** numpy float32 fft2 -> mask -> ifft2 -> real, high = x - low: the same split, timed in one python3 run per workload. */
const NUMPY_SPLIT = `
import sys, json, time, numpy as np
d, shape, radii, reps = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
x = np.fromfile(d + '/x.f32', dtype='<f4').reshape(shape)
n, h, w, c = shape
yy = np.arange(h)[:, None] - h // 2
xx = np.arange(w)[None, :] - w // 2
dist = np.sqrt(yy * yy + xx * xx)
out = {}
for r in radii:
    m = np.fft.ifftshift((dist < r).astype(np.float32))
    def split():
        planes = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        z = np.fft.fft2(planes)
        z *= m
        low = np.fft.ifft2(z).real.astype(np.float32).transpose(0, 2, 3, 1)
        return low, x - low, z.dtype
    split()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        low, high, dtype = split()
        times.append((time.perf_counter() - t) * 1000)
    np.ascontiguousarray(low).astype('<f4').tofile(d + '/low_%s.f32' % r)
    out[str(r)] = {'ms': sorted(times)[len(times) // 2], 'dtype': str(dtype)}
print(json.dumps({'numpy': np.__version__, 'runs': out}))
`

interface NumpyResult {
  numpy: string
  runs: Record<string, { ms: number; dtype: string }>
}

function numpyAvailable(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0
}

function runNumpy(dir: string, shape: Shape, radii: number[]): NumpyResult {
  const result = spawnSync('python3', ['-c', NUMPY_SPLIT, dir, JSON.stringify(shape), JSON.stringify(radii), String(REPEATS)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  })
  if (result.status !== 0) throw new Error(`numpy baseline failed: ${result.stderr || result.error}`)
  return JSON.parse(result.stdout) as NumpyResult
}

function readFloat32(file: string): Float32Array {
  const bytes = readFileSync(file)
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]))
  return max
}

function timeRow(workload: string, ours: number, baseline: number | null): BenchRow {
  const ratio = baseline === null ? null : ours / baseline
  return {
    workload,
    ours: Math.round(ours),
    baseline: baseline === null ? null : Math.round(baseline),
    ratio: ratio === null ? null : Number(ratio.toFixed(2)),
    target: '<= 1 (at least as fast as numpy)',
    pass: ratio === null ? null : ratio <= 1,
    unit: 'ms',
  }
}

async function benchWorkload(work: Workload, numpy: boolean): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const dir = mkdtempSync(join(tmpdir(), 'hfc-bench-spectral-'))
  try {
    writeFileSync(dir + '/x.f32', work.pixels)
    const base = numpy ? runNumpy(dir, work.shape, work.radii) : null
    const images = tf.tensor4d(work.pixels, work.shape)
    let worstError = 0
    for (const r of work.radii) {
      // wasm kernels run synchronously, so the outputs are complete when decompose returns.
      const tensorMs = await medianMs(() => tf.dispose(Object.values(decompose(images, r))), REPEATS)
      const run = base?.runs[String(r)]
      const label = `${work.name}, r=${r}: decompose() tensor -> tensors vs numpy ${base ? `${base.numpy} ${run?.dtype}` : ''} fft2-mask-ifft2`
      rows.push(timeRow(label, tensorMs, run?.ms ?? null))
      if (base) {
        const { low, high } = decompose(images, r)
        const ref = readFloat32(`${dir}/low_${r}.f32`)
        const ourLow = low.dataSync() as Float32Array
        const ourHigh = high.dataSync() as Float32Array
        const refHigh = Float32Array.from(work.pixels, (v, i) => v - ref[i])
        worstError = Math.max(worstError, maxAbsDiff(ourLow, ref), maxAbsDiff(ourHigh, refHigh))
        tf.dispose([low, high])
      }
    }
    const middle = work.radii[Math.floor(work.radii.length / 2)]
    const arrayMs = await medianMs(() => decomposeBatch({ data: work.pixels, shape: work.shape }, middle), REPEATS)
    rows.push(
      timeRow(`${work.name}, r=${middle}: decomposeBatch() Float32Array -> Float32Arrays`, arrayMs, base?.runs[String(middle)]?.ms ?? null),
    )
    rows.push({
      workload: `${work.name}: max |ours - numpy| over x_l and x_h, r in {${work.radii.join(', ')}}`,
      ours: Number(worstError.toExponential(2)),
      baseline: null,
      ratio: null,
      target: `<= ${TOLERANCE}`,
      pass: base ? worstError <= TOLERANCE : null,
      unit: 'abs',
    })
    images.dispose()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

/**
 * Low/high decomposition (docs/algorithms.md §Frequency split, strict circle) on wasm against numpy's float32 FFT in the same
 * run: 10,000 MNIST images and 100 ImageNet-sized images, at the D1 radius presets (docs/algorithms.md §D1).
 */
export async function benchSpectral(): Promise<BenchRow[]> {
  await chooseBackend('wasm')
  const numpy = numpyAvailable()
  const rows: BenchRow[] = []
  rows.push(...(await benchWorkload(mnistWorkload(), numpy)))
  rows.push(...(await benchWorkload(await imagenetWorkload(), numpy)))
  return rows
}
