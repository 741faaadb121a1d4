import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { decodeBmp, openDataset } from '../../../../src-main/engine/data'
import { SHARED_DATA } from '../../paths'
import { itWithData } from '../../needs-data'
import { encodeBmp } from './fixtures'

async function samplePixels(): Promise<Uint8Array> {
  const d = await openDataset(join(SHARED_DATA, 'samples', 'cifar10_06_1.png'))
  return d.readBytes([0])
}

/** The same image stored top-down: rows in reading order, negative height. */
function topDown(bmp: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(bmp)
  const stride = Math.ceil((width * 24) / 32) * 4
  for (let y = 0; y < height; y++) out.set(bmp.subarray(54 + (height - 1 - y) * stride, 54 + (height - y) * stride), 54 + y * stride)
  new DataView(out.buffer).setInt32(22, -height, true)
  return out
}

describe('decodeBmp', () => {
  itWithData('decodes bottom-up and top-down 24-bit images to the same RGB rows', async () => {
    const rgb = await samplePixels()
    const bmp = encodeBmp(rgb, 32, 32, 24)
    const a = decodeBmp(bmp)
    expect([a.width, a.height]).toEqual([32, 32])
    expect(Buffer.from(a.data)).toEqual(Buffer.from(rgb))
    expect(Buffer.from(decodeBmp(topDown(bmp, 32, 32)).data)).toEqual(Buffer.from(rgb))
  })

  it('pads rows of odd widths to 4 bytes', () => {
    const rgb = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => i * 10)
    expect(Array.from(decodeBmp(encodeBmp(rgb, 3, 2, 24)).data)).toEqual(Array.from(rgb))
  })

  itWithData('reads 32-bit images with bit-field masks', async () => {
    const rgb = await samplePixels()
    const plain = encodeBmp(rgb, 32, 32, 32)
    // Same pixels declared as BI_BITFIELDS with BGRX masks in a V4-sized header slot.
    const fields = new Uint8Array(plain.length + 12)
    fields.set(plain.subarray(0, 54))
    fields.set(plain.subarray(54), 66)
    const v = new DataView(fields.buffer)
    v.setUint32(10, 66, true)
    v.setUint32(30, 3, true)
    v.setUint32(54, 0x00ff0000, true)
    v.setUint32(58, 0x0000ff00, true)
    v.setUint32(62, 0x000000ff, true)
    expect(Buffer.from(decodeBmp(fields).data)).toEqual(Buffer.from(rgb))
  })

  it('says what is wrong with compressed, truncated and non-BMP input', () => {
    const bmp = encodeBmp(new Uint8Array(12), 2, 2, 24)
    const rle = Uint8Array.from(bmp)
    new DataView(rle.buffer).setUint32(30, 1, true)
    expect(() => decodeBmp(rle)).toThrow(/compressed BMP \(method 1\)/)
    expect(() => decodeBmp(bmp.subarray(0, bmp.length - 4))).toThrow(/truncated/)
    expect(() => decodeBmp(new Uint8Array([1, 2, 3]))).toThrow(/not a BMP/)
  })
})
