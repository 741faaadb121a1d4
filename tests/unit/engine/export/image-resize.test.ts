import { describe, expect, it } from 'vitest'
import { downscaleArea, fitInside, upscaleNearest } from '../../../../src-main/engine/export/image-resize'
import { sheetImage, sheetImageSize } from '../../../../src-main/engine/export/contact-sheet'

describe('image resizing for display', () => {
  it('fits the longer side inside a bound and never enlarges', () => {
    expect(fitInside(224, 224, 64)).toEqual([64, 64])
    expect(fitInside(683, 1024, 128)).toEqual([85, 128])
    expect(fitInside(28, 28, 64)).toEqual([28, 28])
  })

  it('averages each target pixel over its footprint, so a lone changed pixel stays visible', () => {
    const data = new Float32Array(16)
    data[5] = 1 // (1, 1) of a 4x4 image
    const out = downscaleArea({ data, height: 4, width: 4, channels: 1 }, 2, 2)
    expect(Array.from(out)).toEqual([0.25, 0, 0, 0])
    const rgb = Float32Array.from({ length: 4 * 3 }, (_, k) => k % 3)
    expect(Array.from(downscaleArea({ data: rgb, height: 2, width: 2, channels: 3 }, 1, 1))).toEqual([0, 1, 2])
  })

  it('enlarges by whole factors with pixels as blocks', () => {
    const out = upscaleNearest({ data: Uint8Array.from([1, 2, 3, 4]), height: 2, width: 2, channels: 1 }, 2)
    expect(Array.from(out)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
  })

  it('shows MNIST and CIFAR images enlarged about threefold and ImageNet ones reduced to 128 px', () => {
    expect(sheetImageSize(28, 28)).toEqual([84, 84])
    expect(sheetImageSize(32, 32)).toEqual([96, 96])
    expect(sheetImageSize(224, 224)).toEqual([128, 128])
    const image = sheetImage(new Float32Array(28 * 28).fill(0.5), 28, 28, 1)
    expect([image.height, image.width, image.channels, image.data.length]).toEqual([84, 84, 1, 84 * 84])
    expect(image.data.every((v) => v === 128)).toBe(true)
  })
})
