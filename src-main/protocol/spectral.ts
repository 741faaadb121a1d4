import { z } from 'zod'
import { job, method, type Pooled } from './define'
import { writeFolderPath } from './paths'
import { selectionFields } from './selection'

export const maskSchema = z
  .object({
    kind: z.enum(['circle', 'square', 'gaussian']).default('circle'),
    rule: z.enum(['strict', 'inclusive']).default('strict'),
  })
  .strict()
export type MaskChoice = z.input<typeof maskSchema>

export interface Prediction {
  label: number
  confidence: number
}

export interface Decomposition {
  index: number
  label: number
  shape: [number, number, number]
  radius: number
  halfDiagonal: number
  original: Float32Array
  low: Float32Array
  high: Float32Array
  /** log(1 + |F|) of the centred spectrum, averaged over channels, H x W. */
  spectrum: Float32Array
  predictions?: { original: Prediction; low: Prediction; high: Prediction }
}

export interface Figure1Sample {
  index: number
  label: number
  original: Prediction
  low: Prediction
  high: Prediction
}

export interface Figure1Result {
  radius: number
  total: number
  /** f(x)=y, f(x_h)=y, f(x_l)!=y: the paper's Figure 1 selection. */
  highOnly: Figure1Sample[]
  /** The converse: f(x)=y, f(x_l)=y, f(x_h)!=y. */
  lowOnly: Figure1Sample[]
  counts: { clean: number; low: number; high: number; highOnly: number; lowOnly: number }
}

/** What spectral.figure1 streams after every batch: the counts so far (the sample lists come with the result). */
export type Figure1Partial = Pick<Figure1Result, 'total' | 'counts'>

export interface RadiusCurve {
  radii: number[]
  low: number[]
  high: number[]
  clean: number
  n: number
}

export interface SvdControlRow {
  k: number
  /** f(x)=y, f(x_trail)=y, f(x_dom)!=y: the SVD version of Figure 1. */
  count: number
}

export interface SvdControlResult {
  n: number
  rows: SvdControlRow[]
  fourier: { radius: number; count: number }
}

const datasetId = z.string().min(1).max(64)
const modelId = z.string().min(1).max(64)

export const spectralMethods = {
  'spectral.decompose': method(
    z
      .object({
        datasetId,
        index: z.number().int().min(0),
        radius: z.number().min(0).max(10_000),
        mask: maskSchema.default({}),
        modelId: modelId.optional(),
      })
      .strict(),
    'x, x_l, x_h and the log spectrum of one image at radius r, with predictions when a model is given.',
  ).returns<Decomposition>(),
  'spectral.export': job(
    z
      .object({
        datasetId,
        indices: z.string().min(1).max(100_000),
        radius: z.number().min(0).max(10_000),
        mask: maskSchema.default({}),
        out: writeFolderPath(),
        npy: z.boolean().default(false),
        /** false: arrays only (with npy), for pipelines that read the .npy files and need no pictures. */
        png: z.boolean().default(true),
        force: z.boolean().default(false),
      })
      .strict()
      .refine((p) => p.png || p.npy, { message: 'choose PNG triplets, .npy arrays or both' }),
    'Writes x, x_l, x_h as PNG triplets (x_h min-max stretched per image) and/or float32 x/low/high .npy (N x H x W x C, [0, 1] scale).',
  ).returns<{ written: number; out: string; files: string[] }>(),
  'spectral.figure1': job(
    z.object({ datasetId, modelId, radius: z.number().min(0).max(10_000), mask: maskSchema.default({}), ...selectionFields }).strict(),
    'Samples whose prediction survives on x_h but not on x_l (and the converse).',
  ).returns<Figure1Result, Pooled<Figure1Partial>>(),
  'spectral.radiusCurve': job(
    z
      .object({
        datasetId,
        modelId,
        mask: maskSchema.default({}),
        radii: z.array(z.number().min(0)).max(2048).optional(),
        ...selectionFields,
      })
      .strict(),
    'Accuracy on x_l(r) and x_h(r) for r = 1 .. half-diagonal.',
  ).returns<RadiusCurve, Pooled<RadiusCurve>>(),
  'spectral.svdControl': job(
    z
      .object({
        datasetId,
        modelId,
        ks: z.array(z.number().int().min(1)).min(1).max(64).default([1, 2, 4, 8, 12, 16, 20]),
        radius: z.number().min(0),
        mask: maskSchema.default({}),
        ...selectionFields,
      })
      .strict(),
    'The Figure-1 search with the SVD split (dominant vs trailing singular values), beside the Fourier count.',
  ).returns<SvdControlResult>(),
}
