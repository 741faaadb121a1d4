import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { decodeBmp, isBmp } from './bmp-decoder'
import type { ResizeMode } from './open-options'

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

/**
 * Decodes one image to `target` as HWC uint8: EXIF orientation applied, alpha flattened onto
 * black, converted to gray (luminance) or sRGB, then resized with lanczos3 if its size differs:
 * 'fill' stretches, 'contain' letterboxes on black, 'cover' crops the centre.
 */
export async function decodeImage(file: string, target: DecodeTarget): Promise<Uint8Array> {
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
