import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDefaultDataset } from '../../../../src-main/engine/data'
import { decodeImage } from '../../../../src-main/engine/data/image-decode'
import { pilBilinearResize, torchvisionResizeCrop } from '../../../../src-main/engine/data/torchvision-resize'
import { REPO, RESOURCES } from '../../paths'
import { readNpy } from '../onnx/fixtures'

const SAMPLES = join(RESOURCES, 'datasets', 'imagenet-samples')
/** As scripts/make-torchvision-resize-fixtures.py lists them: two 512 x 512 JPEGs and a 1024 x 683 one. */
const FILES = ['129/imagenet_14_129.jpg', '541/imagenet_10_541.jpg', '990/imagenet_03_990.jpg']
const reference = (name: string) => readNpy(join(REPO, 'tests', 'fixtures', 'resize', `torchvision_${name}.npy`))

function differences(a: Uint8Array, b: ArrayLike<number>): { max: number; mean: number } {
  let max = 0
  let sum = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i])
    max = Math.max(max, d)
    sum += d
  }
  return { max, mean: sum / a.length }
}

describe("the 'torchvision' resize mode", () => {
  it.each([
    { name: '64x64_rgb', size: [64, 64], channels: 3 },
    { name: '56x80_rgb', size: [56, 80], channels: 3 },
    { name: '48x48_l', size: [48, 48], channels: 1 },
  ] as const)(
    "gives torchvision's Resize + CenterCrop pixels of real JPEGs to within one level ($name)",
    async ({ name, size, channels }) => {
      const ref = reference(name)
      const per = size[0] * size[1] * channels
      for (let k = 0; k < FILES.length; k++) {
        const ours = await decodeImage(join(SAMPLES, FILES[k]), { height: size[0], width: size[1], channels, resize: 'torchvision' })
        const d = differences(ours, ref.data.subarray(k * per, (k + 1) * per))
        expect(d.max).toBeLessThanOrEqual(1)
        expect(d.mean).toBeLessThan(0.05)
      }
    },
  )

  it("follows Pillow's fixed-point bilinear resample on pixels that need no decoding", () => {
    // A 4 x 6 ramp halved in width and upsampled in height: Pillow gives these values (Image.resize((3, 6), BILINEAR)).
    const ramp = Uint8Array.from({ length: 24 }, (_, i) => (i % 6) * 40 + Math.floor(i / 6) * 10)
    const out = pilBilinearResize(ramp, 4, 6, 1, 6, 3)
    expect(Array.from(out.subarray(0, 3))).toEqual([29, 100, 171])
    expect(Array.from(out.subarray(15, 18))).toEqual([59, 130, 201])
  })

  it('pads a crop larger than the resized image with zeros, (crop - size) // 2 before', () => {
    const white = new Uint8Array(10 * 10).fill(255)
    // Shorter side to 8 * 256 / 224 = 9, crop 8 x 12: 3 missing columns, 1 padded before and 2 after.
    const out = torchvisionResizeCrop(white, 10, 10, 1, 8, 12)
    expect(Array.from(out.subarray(0, 12))).toEqual([0, ...new Array(9).fill(255), 0, 0])
  })

  it('is what the embedded ImageNet samples open with, and the data set says so', async () => {
    const dataset = await openDefaultDataset('imagenet-samples', { size: [64, 64], resize: 'torchvision' })
    try {
      expect(dataset.info.shape).toEqual([64, 64, 3])
      expect(dataset.info.resize).toBe('torchvision: shorter side to 73 (bilinear with antialias, as Pillow), centre crop 64x64')
      // The one image of class folder 129 (labels.txt names the classes, so find it by label).
      const index = Array.from(dataset.labels()).findIndex((label) => dataset.info.classes[label].startsWith('129'))
      expect(index).toBeGreaterThanOrEqual(0)
      const first = await dataset.read([index])
      const ref = reference('64x64_rgb').data.subarray(0, 64 * 64 * 3)
      let max = 0
      first.forEach((v, i) => (max = Math.max(max, Math.abs(v * 255 - ref[i]))))
      expect(max).toBeLessThanOrEqual(1.0001)
    } finally {
      await dataset.close?.()
    }
  })
})
