import { basename, dirname } from 'node:path'
import { LabError } from '../base/errors'
import { checkImageShape } from '../base/input-limits'
import type { DatasetReader } from './dataset-reader'
import { ImageFolderDataset } from './image-folder-dataset'
import { readImageHeader, type DecodeTarget } from './image-decode'
import { imageKindOf, isImageName } from './image-sniff'
import { classFoldersIn, listImages, listSingleImage, type ImageListing } from './image-listing'
import { countClasses, readClassNameFile, resolveClassNames } from './class-names'
import type { OpenOptions, ResizeMode } from './open-options'
import { torchvisionResizeSide } from './torchvision-resize'
import { nameOf } from './probe'

/**
 * Opens images lazily: lists and checks the files, reads one header for the size unless a size
 * is requested, and decodes nothing else until read.
 */
export async function openImages(path: string, isFolder: boolean, options: OpenOptions = {}): Promise<ImageFolderDataset> {
  const listing: ImageListing = isFolder ? listImages(path) : listSingleImage(path)
  const target = await chooseTarget(listing, options)
  if (!target) {
    throw new LabError(
      'DATA_EMPTY',
      `${basename(path)} holds no readable image (${listing.skipped.length} skipped). Choose a folder of PNG, JPEG, WebP or BMP images, one subfolder per class.`,
      path,
    )
  }
  const labels = Int32Array.from(listing.entries, (e) => e.label)
  const classes = resolveClassNames(await readClassNameFile(isFolder ? path : dirname(path)), listing.classNames, labels, path)
  const { height, width, channels, resize } = target
  const sampled = await sampleSizes(listing.entries.map((e) => e.file))
  return new ImageFolderDataset(
    {
      name: options.name ?? basename(path),
      format: isFolder ? 'image-folder' : 'image-file',
      source: path,
      count: listing.entries.length,
      shape: [height, width, channels],
      valueRange: [0, 255],
      classes,
      classCounts: countClasses(labels, classes.length),
      skipped: listing.skipped,
      resize: describeResize(resize, height, width),
      originalSizes: sampled.sizes,
      sizesSampled: sampled.count,
    },
    listing.entries,
    target,
  )
}

/** Headers read to tell the user which sizes a folder mixes: enough to see a mix, cheap to read at open. */
const SIZE_SAMPLE = 48

/**
 * The sizes among up to SIZE_SAMPLE images spread evenly over the folder, most frequent first:
 * a folder that mixes sizes is resized to one, and the user should see which sizes it held.
 * Headers that do not read are left out here; decoding lists them when the image is shown.
 */
async function sampleSizes(files: string[]): Promise<{ sizes: { height: number; width: number; count: number }[]; count: number }> {
  const step = Math.max(1, files.length / SIZE_SAMPLE)
  const picked = Array.from({ length: Math.min(SIZE_SAMPLE, files.length) }, (_, k) => files[Math.floor(k * step)])
  const tally = new Map<string, { height: number; width: number; count: number }>()
  let count = 0
  for (const file of picked) {
    const header = await readImageHeader(file).catch(() => null)
    if (!header) continue
    count++
    const key = `${header.height}x${header.width}`
    const entry = tally.get(key) ?? { height: header.height, width: header.width, count: 0 }
    entry.count++
    tally.set(key, entry)
  }
  return { sizes: [...tally.values()].sort((a, b) => b.count - a.count), count }
}

function describeResize(resize: ResizeMode, height: number, width: number): string {
  if (resize !== 'torchvision') return `${resize} to ${height}x${width} (lanczos3; images already that size are unchanged)`
  return `torchvision: shorter side to ${torchvisionResizeSide(height, width)} (bilinear with antialias, as Pillow), centre crop ${height}x${width}`
}

/**
 * The size and colour every image is brought to: the requested ones, else those of the first
 * image whose header reads (one that does not is skipped and listed, like a failed check).
 */
async function chooseTarget(listing: ImageListing, options: OpenOptions): Promise<DecodeTarget | null> {
  const resize = options.resize ?? 'fill'
  if (options.size) checkImageShape(options.size, 'The requested size', listing.entries[0]?.file ?? '')
  if (options.size && options.channels) {
    return listing.entries.length > 0 ? { height: options.size[0], width: options.size[1], channels: options.channels, resize } : null
  }
  while (listing.entries.length > 0) {
    const first = listing.entries[0]
    try {
      const header = await readImageHeader(first.file)
      if (!options.size) checkImageShape([header.height, header.width], basename(first.file), first.file)
      const [height, width] = options.size ?? [header.height, header.width]
      return { height, width, channels: options.channels ?? header.channels, resize }
    } catch (e) {
      listing.skipped.push({ file: first.file, reason: `cannot be decoded (${(e as Error).message})` })
      listing.entries.shift()
    }
  }
  return null
}

export const imageFolderReader: DatasetReader = {
  format: 'image-folder',
  description: 'a folder of PNG/JPEG/WebP/BMP images, one subfolder per class (ImageNet style) or named <name>_<label>.<ext>',
  matches(probe) {
    return probe.isFolder && (probe.entries.some(isImageName) || classFoldersIn(probe.path).length > 0)
  },
  open(probe, options) {
    return openImages(probe.path, true, options)
  },
}

export const imageFileReader: DatasetReader = {
  format: 'image-file',
  description: 'a single PNG/JPEG/WebP/BMP image',
  matches(probe) {
    return !probe.isFolder && (isImageName(nameOf(probe)) || imageKindOf(probe.head) !== null)
  },
  open(probe, options) {
    return openImages(probe.path, false, options)
  },
}
