import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import sharp from 'sharp'
import { RESOURCES, SHARED_DATA } from '../../paths'

let embedded: Uint8Array | null = null
let full: Uint8Array | null = null

/**
 * The first `count` MNIST test digits as NHWC float32 in [0, 1] (decoded here from the IDX .gz):
 * up to 1,000 from the subset the repository carries (the same bytes), beyond that from the full set.
 */
export function mnistImages(count: number): Float32Array {
  const file = (root: string) => gunzipSync(readFileSync(join(root, 'mnist', 't10k-images-idx3-ubyte.gz')))
  const mnist = count <= 1000 ? (embedded ??= file(join(RESOURCES, 'datasets'))) : (full ??= file(SHARED_DATA))
  const view = new DataView(mnist.buffer, mnist.byteOffset)
  if (view.getUint32(0) !== 0x803 || view.getUint32(8) !== 28 || view.getUint32(12) !== 28) throw new Error('unexpected MNIST IDX header')
  return Float32Array.from(mnist.subarray(16, 16 + count * 784), (b) => b / 255)
}

/** One channel of image `index` of an NHWC batch, as a float64 plane. */
export function plane(images: Float32Array, index: number, h: number, w: number, c: number, channel: number): Float64Array {
  const out = new Float64Array(h * w)
  for (let k = 0; k < h * w; k++) out[k] = images[(index * h * w + k) * c + channel]
  return out
}

/** A sample PNG/JPEG from the large data sets' samples/ folder (HFC_DATA_DIR) as HWC float32 in [0, 1], optionally resized. */
export async function sampleImage(name: string, size?: number): Promise<{ pixels: Float32Array; h: number; w: number; c: number }> {
  let image = sharp(join(SHARED_DATA, 'samples', name)).removeAlpha()
  if (size) image = image.resize(size, size, { fit: 'fill' })
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true })
  return { pixels: Float32Array.from(data, (b) => b / 255), h: info.height, w: info.width, c: info.channels }
}
