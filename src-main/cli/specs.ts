import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { DatasetSpec } from '../protocol/data'
import type { ModelSpec } from '../protocol/models'

/** `--data` and `--model` take a path, or an embedded default by id (mnist, fashion-mnist, cifar10, ...). */
export function datasetSpec(value: string, size?: string): DatasetSpec {
  const dims = size ? (size.split(/[x×]/).map(Number) as [number, number]) : undefined
  if (!existsSync(value) && /^[a-z0-9-]+$/.test(value)) return { defaultId: value, ...(dims ? { size: dims } : {}) }
  return { path: resolve(value), ...(dims ? { size: dims } : {}) }
}

export function modelSpec(value: string, inputRange?: string): ModelSpec {
  const range = inputRange ? (inputRange.split(/[,:]/).map(Number) as [number, number]) : undefined
  if (!existsSync(value) && /^[a-z0-9-]+$/.test(value)) return { defaultId: value, ...(range ? { inputRange: range } : {}) }
  return { path: resolve(value), ...(range ? { inputRange: range } : {}) }
}
