import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { decodeBmp, isBmp } from './bmp-decoder'
import type { ResizeMode } from './open-options'
import { torchvisionResizeCrop } from './torchvision-resize'

/** Size and colour an image is decoded to. */
export interface DecodeTarget {
  height: number
  width: number
  channels: 1 | 3
  resize: ResizeMode
}

export interface ImageHeader {
  width: number
  height: number
  channels: 1 | 3
}

/** BMP goes through decodeBmp (libvips has no BMP loader); everything else straight to sharp. */
async function sharpInput(file: string): Promise<sharp.Sharp> {
  const bytes = await readFile(file)
  if (!isBmp(bytes)) return sharp(bytes)
  const bmp = decodeBmp(bytes)
  return sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 3 } })
}

/** Width, height and colour of an image from its header, without decoding its pixels. */
export async function readImageHeader(file: string): Promise<ImageHeader> {
  const image = await sharpInput(file)
  const meta = await image.metadata()
  if (!meta.width || !meta.height) throw new Error('its size cannot be read')
  const gray = meta.space === 'b-w' || (meta.channels ?? 3) <= 2
  const turned = (meta.orientation ?? 1) >= 5
  return { width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height, channels: gray ? 1 : 3 }
}

/** Pillow's convert('L') of RGB pixels: ITU-R 601-2 luma in 16-bit fixed point. */
function pilLuma(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3)
  for (let i = 0; i < out.length; i++) out[i] = (rgb[3 * i] * 19595 + rgb[3 * i + 1] * 38470 + rgb[3 * i + 2] * 7471 + 0x8000) >> 16
  return out
}

/**
 * 'torchvision': decoded at its own size (EXIF orientation applied, alpha flattened onto black,
 * sRGB, gray as Pillow's convert('L')), then Resize + CenterCrop exactly as torchvision does on a
 * PIL image (torchvision-resize.ts).
 */
async function decodeTorchvision(file: string, target: DecodeTarget): Promise<Uint8Array> {
  const image = await sharpInput(file)
  const { data, info } = await image
    .rotate()
    .flatten({ background: '#000000' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  if (info.channels !== 3) throw new Error(`it decoded to ${info.channels} channels, not RGB`)
  let pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (target.channels === 1) pixels = pilLuma(pixels)
  return torchvisionResizeCrop(pixels, info.height, info.width, target.channels, target.height, target.width)
}

/**
 * Decodes one image to `target` as HWC uint8: EXIF orientation applied, alpha flattened onto
 * black, converted to gray (luminance) or sRGB, then resized with lanczos3 if its size differs:
 * 'fill' stretches, 'contain' letterboxes on black, 'cover' crops the centre; 'torchvision' as
 * decodeTorchvision.
 */
export async function decodeImage(file: string, target: DecodeTarget): Promise<Uint8Array> {
  if (target.resize === 'torchvision') return decodeTorchvision(file, target)
  const image = await sharpInput(file)
  const { data, info } = await image
    .rotate()
    .flatten({ background: '#000000' })
    .toColourspace(target.channels === 1 ? 'b-w' : 'srgb')
    .resize({ width: target.width, height: target.height, fit: target.resize, background: '#000000' })
    .raw()
    .toBuffer({ resolveWithObject: true })
  if (info.channels !== target.channels || info.width !== target.width || info.height !== target.height) {
    throw new Error(`it decoded to ${info.width}x${info.height}x${info.channels}, not ${target.width}x${target.height}x${target.channels}`)
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
