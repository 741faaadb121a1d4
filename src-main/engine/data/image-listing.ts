import { readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { checkClassLabel } from '../base/input-limits'
import { checkImageFile, isImageName } from './image-sniff'

export interface ImageEntry {
  file: string
  label: number
}

/**
 * The images of a folder or a single image, with labels from the layout:
 * - 'class-folders': one subfolder per class (ImageNet style); a folder named by a whole number
 *   is that class index, otherwise classes are the folder names in sorted order;
 * - 'named-files': flat images named `<anything>_<label>.<ext>` (e.g. mnist_00_7.png);
 * - 'unlabeled': flat images without labels, all in one class.
 */
export interface ImageListing {
  layout: 'class-folders' | 'named-files' | 'unlabeled'
  entries: ImageEntry[]
  /** Class names the layout gives (class folder names), or null. */
  classNames: string[] | null
  skipped: { file: string; reason: string }[]
}

const LABEL_IN_NAME = /_(\d+)\.[a-z]+$/i
const WHOLE_NUMBER = /^\d+$/

/** Folders with images directly inside, by name, sorted. */
export function classFoldersIn(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort()
    .filter((name) => readdirSync(join(folder, name)).some(isImageName))
}

type Skipped = { file: string; reason: string }

/** Collects checked entries; files that fail the cheap check are skipped and listed, not fatal. */
function collector() {
  const entries: ImageEntry[] = []
  const skipped: Skipped[] = []
  const add = (file: string, label: number) => {
    const reason = checkImageFile(file)
    if (reason) skipped.push({ file, reason })
    else entries.push({ file, label })
  }
  return { entries, skipped, add }
}

/** Lists and cheaply checks every image of a folder (decoding waits until an image is read). */
export function listImages(folder: string): ImageListing {
  const classes = classFoldersIn(folder)
  const found = collector()
  if (classes.length === 0)
    return listFlat(
      readdirSync(folder)
        .filter(isImageName)
        .sort()
        .map((f) => join(folder, f)),
      found,
    )
  const numbered = classes.every((c) => WHOLE_NUMBER.test(c))
  if (numbered) classes.sort((a, b) => Number(a) - Number(b))
  classes.forEach((name, index) => {
    const label = numbered ? Number(name) : index
    checkClassLabel(label, `The class folder ${name}`, join(folder, name))
    for (const file of readdirSync(join(folder, name)).filter(isImageName).sort()) found.add(join(folder, name, file), label)
  })
  return { layout: 'class-folders', entries: found.entries, classNames: numbered ? null : classes, skipped: found.skipped }
}

/** One image file as a one-image data set, labelled from its name when it carries `_<label>`. */
export function listSingleImage(file: string): ImageListing {
  return listFlat([file], collector())
}

function listFlat(files: string[], found: ReturnType<typeof collector>): ImageListing {
  const labels = files.map((f) => LABEL_IN_NAME.exec(basename(f)))
  const named = files.length > 0 && labels.every((m) => m !== null)
  files.forEach((file, i) => {
    const label = named ? Number(labels[i]![1]) : 0
    checkClassLabel(label, `The image ${basename(file)} (label from its name)`, file)
    found.add(file, label)
  })
  return {
    layout: named ? 'named-files' : 'unlabeled',
    entries: found.entries,
    classNames: named ? null : ['unlabeled'],
    skipped: found.skipped,
  }
}
