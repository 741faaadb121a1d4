import { z } from 'zod'
import { job, method } from './define'
import { readPath, writeFolderPath } from './paths'

/** Where a data set comes from: a path the user chose, or one of the embedded defaults. */
export const datasetSpecSchema = z
  .object({
    path: readPath().optional(),
    defaultId: z.string().min(1).max(64).optional(),
    size: z.tuple([z.number().int().min(1).max(4096), z.number().int().min(1).max(4096)]).optional(),
    channels: z.union([z.literal(1), z.literal(3)]).optional(),
    resize: z.enum(['fill', 'contain', 'cover', 'torchvision']).optional(),
    split: z.enum(['train', 'test']).optional(),
    labelSet: z.enum(['fine', 'coarse']).optional(),
  })
  .strict()
  .refine((s) => (s.path ? 1 : 0) + (s.defaultId ? 1 : 0) === 1, { message: 'give exactly one of path or defaultId' })
export type DatasetSpec = z.infer<typeof datasetSpecSchema>

export interface DatasetSummary {
  /** Human name, e.g. "MNIST test (embedded subset)". */
  name: string
  /** Reader that opened it: 'idx' | 'cifar10-bin' | 'cifar100-bin' | 'image-folder' | 'npy' | ... */
  format: string
  /** Path the user chose (file or folder). */
  source: string
  count: number
  /** Height, width, channels of one image. */
  shape: [number, number, number]
  /** Range of the stored pixel values, e.g. [0, 255] for uint8 files; the engine always reads images as [0, 1]. */
  valueRange: [number, number]
  classes: string[]
  classCounts: number[]
  /** Files that were skipped (unreadable images in a folder), with the reason. */
  skipped: { file: string; reason: string }[]
  /** How images of other sizes were brought to `shape` (image folders), if at all. */
  resize?: string
  /** The split opened, where the folder holds train and test as separate files (default: test). */
  split?: 'train' | 'test'
  /** Every split the folder holds, test first: open another with DatasetSpec.split. */
  splits?: ('train' | 'test')[]
  /** Image folders: the sizes found among up to sizesSampled images spread over the folder, most frequent first. */
  originalSizes?: { height: number; width: number; count: number }[]
  sizesSampled?: number
}

/** An image of an opened data set that cannot be decoded when read (a corrupt JPEG, a file changed on disk). */
export interface BrokenImage {
  index: number
  /** The file, where the data set has files. */
  file?: string
  message: string
}

export interface OpenedDataset {
  id: string
  info: DatasetSummary
}

export interface DefaultDataset {
  id: string
  name: string
  description: string
}

const datasetId = z.string().min(1).max(64)

export const dataMethods = {
  'data.defaults': method(z.object({}).strict(), 'The embedded default data sets.').returns<DefaultDataset[]>(),
  'data.open': method(datasetSpecSchema, 'Opens a data set (lazily) and returns its id and summary.').returns<OpenedDataset>(),
  'data.close': method(
    z.object({ datasetId }).strict(),
    'Closes an opened data set on every worker (its file handles are released once running jobs finish).',
  ).returns<{ closed: boolean }>(),
  'data.labels': method(z.object({ datasetId }).strict(), 'Every label of an opened data set.').returns<{ labels: Int32Array }>(),
  'data.thumbnails': method(
    z.object({ datasetId, indices: z.array(z.number().int().min(0)).min(1).max(1024) }).strict(),
    'uint8 NHWC pixels of the given images, for the grid; images that cannot be decoded are left black and listed in broken.',
  ).returns<{ shape: [number, number, number]; bytes: Uint8Array; broken: BrokenImage[] }>(),
  'data.image': method(
    z.object({ datasetId, index: z.number().int().min(0) }).strict(),
    'One image as float32 [0, 1] NHWC with its label.',
  ).returns<{
    index: number
    label: number
    shape: [number, number, number]
    pixels: Float32Array
  }>(),
  'data.export': job(
    z.object({ datasetId, indices: z.string().min(1).max(10_000), out: writeFolderPath(), force: z.boolean().default(false) }).strict(),
    'Writes the chosen images as PNG files into a folder.',
  ).returns<{ written: number; out: string; files: string[] }>(),
}
