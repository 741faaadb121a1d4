import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { datasetSpecSchema, type DatasetSpec } from '../protocol/data'
import { preprocessingSchema, type ModelSpec, type Preprocessing } from '../protocol/models'

/** The preprocessing flags every command that opens a model takes (README "Preprocessing"). */
export interface ModelFlags {
  inputRange?: string
  mean?: string
  std?: string
  channelOrder?: string
  inputLayout?: string
}

/** Both, for commands that open a model and a data set. */
export type SpecFlags = ModelFlags & DataFlags

/** The flags that pick the images a batch command runs on (the data set's selection). */
export interface SelectionFlags {
  limit?: number
  indices?: string
  n?: number
  seed: number
}

export function selectionOf(flags: SelectionFlags): { limit?: number; indices?: string; n?: number; seed: number } {
  return { limit: flags.limit, indices: flags.indices, n: flags.n, seed: flags.seed }
}

/** The image-size flags every command that opens a data set takes. */
export interface DataFlags {
  size?: string
  resize?: string
}

const isDefaultId = (value: string): boolean => !existsSync(value) && /^[a-z0-9-]+$/.test(value)

function numbers(flag: string, text: string): number[] {
  const values = text.split(/[,:]/).map((v) => Number(v.trim()))
  if (values.length === 0 || values.some((v) => !Number.isFinite(v)))
    throw new Error(`${flag} "${text}" must be numbers separated by commas, e.g. 0.485,0.456,0.406`)
  return values
}

/** The preprocessing the flags give (only what was given: the sidecar and the file fill the rest). */
export function preprocessingFlags(flags: ModelFlags): Preprocessing | undefined {
  const given: Record<string, unknown> = {}
  if (flags.inputRange !== undefined)
    given.inputRange = numbers('--input-range', flags.inputRange.replace(/^(-?[\d.]+)-(-?[\d.]+)$/, '$1,$2'))
  if (flags.mean !== undefined) given.mean = numbers('--mean', flags.mean)
  if (flags.std !== undefined) given.std = numbers('--std', flags.std)
  if (flags.channelOrder !== undefined) given.channelOrder = flags.channelOrder.toLowerCase()
  if (flags.inputLayout !== undefined) given.layout = flags.inputLayout.toLowerCase()
  if (Object.keys(given).length === 0) return undefined
  const parsed = preprocessingSchema.safeParse(given)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const key = String(issue.path[0] ?? 'preprocessing')
    throw new Error(`--${key === 'layout' ? 'input-layout' : key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`)
  }
  return parsed.data
}

/** `--data` takes a path, or an embedded default by id (mnist, fashion-mnist, cifar10, imagenet-samples, ...). */
export function datasetSpec(value: string, flags: DataFlags = {}): DatasetSpec {
  const spec: Record<string, unknown> = isDefaultId(value) ? { defaultId: value } : { path: resolve(value) }
  if (flags.size !== undefined) {
    const m = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/i.exec(flags.size)
    if (!m) throw new Error(`--size "${flags.size}" must look like 224x224 (height x width)`)
    spec.size = [Number(m[1]), Number(m[2])]
  }
  if (flags.resize !== undefined) spec.resize = flags.resize.toLowerCase()
  const parsed = datasetSpecSchema.safeParse(spec)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`--${String(issue.path[0] ?? 'data')}: ${issue.message}`)
  }
  return parsed.data
}

/** `--model` takes a path, or an embedded default by id; the preprocessing flags travel with it. */
export function modelSpec(value: string, flags: ModelFlags = {}): ModelSpec {
  const preprocessing = preprocessingFlags(flags)
  return { ...(isDefaultId(value) ? { defaultId: value } : { path: resolve(value) }), ...(preprocessing ? { preprocessing } : {}) }
}

function hasOption(command: Command, long: string): boolean {
  return command.options.some((o) => o.long === long)
}

/**
 * Gives every command that opens a model (a --model option, or `model info`) the preprocessing
 * flags, and every command that opens a data set (--data, or `data info`/`data export`) the
 * image-size flags, so that no command lacks them.
 */
export function addSpecFlags(command: Command): void {
  for (const sub of command.commands) addSpecFlags(sub)
  const path = `${command.parent?.name() ?? ''} ${command.name()}`.trim()
  if (hasOption(command, '--model') || path === 'model info') {
    command
      .option('--input-range <lo,hi>', "pixel range the model takes, e.g. 0,255 (default: the file's, its sidecar's, else 0,1 assumed)")
      .option(
        '--mean <values>',
        "per-channel mean subtracted after scaling to the range, in the model's channel order, e.g. 0.485,0.456,0.406",
      )
      .option('--std <values>', 'per-channel standard deviation divided by after the mean, e.g. 0.229,0.224,0.225')
      .option('--channel-order <order>', 'rgb | bgr: the channel order the model takes')
      .option('--input-layout <layout>', "nhwc | nchw: override the detected layout of the model's input tensor")
  }
  if (hasOption(command, '--data') || path === 'data info' || path === 'data export') {
    if (!hasOption(command, '--size')) command.option('--size <HxW>', 'image folders and image data sets: bring every image to this size')
    command.option(
      '--resize <mode>',
      'with --size: torchvision (shorter side to size*256/224, bilinear, centre crop) | fill | contain | cover',
    )
  }
}
