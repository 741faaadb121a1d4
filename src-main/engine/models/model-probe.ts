import { open, readFile, stat } from 'node:fs/promises'
import { constants, existsSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { LabError } from '../base/errors'

/** What the registry knows about a path before choosing a loader. */
export interface ModelProbe {
  path: string
  name: string
  head: Uint8Array
  /** The parsed JSON, for .json files. */
  json?: Record<string, unknown>
}

const JSON_LIMIT = 256 * 1024 * 1024

/** Reads enough of a model path to recognise its format; a folder stands for its model.json. */
export async function probeModelPath(input: string): Promise<ModelProbe> {
  let path = resolve(input)
  if (!existsSync(path))
    throw new LabError('MODEL_NOT_FOUND', `${path} does not exist. Choose a model file (model.json, .h5, .keras) or its folder.`)
  if ((await stat(path)).isDirectory()) {
    const inner = join(path, 'model.json')
    if (!existsSync(inner)) throw new LabError('MODEL_NOT_FOUND', `The folder ${path} holds no model.json. Choose the model file itself.`)
    path = inner
  }
  // O_NONBLOCK: a FIFO must not block the open; only regular files are read.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  const head = new Uint8Array(64)
  try {
    if (!(await handle.stat()).isFile())
      throw new LabError('MODEL_NOT_FILE', `${path} is not a regular file (a device, pipe or socket). Choose a model file saved on disk.`)
    await handle.read(head, 0, 64, 0)
  } finally {
    await handle.close()
  }
  const probe: ModelProbe = { path, name: basename(path), head }
  const firstChar = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf)
  if (firstChar === 0x7b && (await stat(path)).size < JSON_LIMIT) {
    try {
      probe.json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
    } catch (e) {
      throw new LabError('MODEL_BAD_JSON', `${probe.name} is not valid JSON (${(e as Error).message}).`)
    }
  }
  return probe
}
