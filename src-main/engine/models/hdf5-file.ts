import { randomUUID } from 'node:crypto'
import type { Dataset, Entity, File, Group } from 'h5wasm'
import { LabError } from '../base/errors'

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

export function isHdf5(head: Uint8Array): boolean {
  return HDF5_SIGNATURE.every((b, i) => head[i] === b)
}

let h5wasmLoaded: Promise<typeof import('h5wasm')> | undefined

/** h5wasm starts a wasm module when it is imported: only a worker that reads an HDF5 file pays for it. */
function loadH5wasm(): Promise<typeof import('h5wasm')> {
  h5wasmLoaded ??= import('h5wasm')
  return h5wasmLoaded
}

const isGroup = (entry: Entity | null): entry is Group => !!entry && 'type' in entry && entry.type === 'Group'
const isDataset = (entry: Entity | null): entry is Dataset => !!entry && 'type' in entry && entry.type === 'Dataset'

/**
 * Opens HDF5 bytes with h5wasm and always closes and frees it again. The file lives only in
 * h5wasm's in-memory file system: its plain build is used, not `h5wasm/node`, whose file system
 * is the real disk (its '/' is the disk root, not writable by a normal user). Each worker thread
 * has its own h5wasm instance, and the name is random besides, so concurrent loads never meet.
 */
export async function withHdf5<T>(bytes: Uint8Array, source: string, read: (file: File) => T): Promise<T> {
  if (!isHdf5(bytes))
    throw new LabError(
      'MODEL_BAD_HDF5',
      `${source} is not an HDF5 file (its signature is missing). Choose a Keras .h5 file saved with model.save().`,
    )
  const h5wasm = (await loadH5wasm()).default
  const { FS } = await h5wasm.ready
  if (!FS) throw new Error('h5wasm has no file system.')
  const path = `/model-${randomUUID()}.h5`
  // Emscripten's writeFile copies from the start of the view's buffer, so a view into a larger
  // buffer (a zip entry) must be copied out first.
  FS.writeFile(path, bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice())
  let file: File | null = null
  try {
    file = new h5wasm.File(path, 'r')
  } catch {
    file = null
  }
  // h5wasm reports a failed open with a negative id rather than an exception.
  if (!file || file.file_id < 0n) {
    FS.unlink(path)
    throw new LabError('MODEL_BAD_HDF5', `${source} could not be read as HDF5: it may be truncated or damaged. Save the model again.`)
  }
  try {
    return read(file)
  } finally {
    file.close()
    FS.unlink(path)
  }
}

export function childGroup(parent: Group, name: string): Group | null {
  const entry = parent.keys().includes(name) ? parent.get(name) : null
  return isGroup(entry) ? entry : null
}

/** A string attribute (h5wasm decodes both variable- and fixed-length strings). */
export function stringAttr(holder: Group, name: string): string | null {
  const attr = holder.attrs[name]
  if (!attr) return null
  const value = attr.value
  return typeof value === 'string' ? value : value instanceof Uint8Array ? new TextDecoder().decode(value) : null
}

/** A list-of-strings attribute; Keras writes an empty float64 array when the list is empty. */
export function stringListAttr(holder: Group, name: string): string[] | null {
  const attr = holder.attrs[name]
  if (!attr) return null
  const value = attr.value
  if (Array.isArray(value)) return value.map((v) => String(v))
  if (typeof value === 'string') return [value]
  return []
}

export interface WeightArray {
  values: Float32Array
  shape: number[]
}

export function readWeight(group: Group, path: string, source: string): WeightArray {
  const entry = group.get(path)
  if (!isDataset(entry)) throw new LabError('MODEL_WEIGHTS_MISSING', `${source} lists the weight '${path}' but does not contain it.`)
  const value = entry.value
  const shape = entry.shape ?? []
  if (!(value instanceof Float32Array || value instanceof Float64Array || value instanceof Uint16Array)) {
    throw new LabError(
      'MODEL_WEIGHTS_DTYPE',
      `${source}: weight '${path}' has the type ${JSON.stringify(entry.dtype)}; HFC Lab reads float32 and float64 weights.`,
    )
  }
  if (value instanceof Uint16Array)
    throw new LabError('MODEL_WEIGHTS_DTYPE', `${source}: weight '${path}' is float16; re-save the model in float32.`)
  return { values: value instanceof Float32Array ? value : Float32Array.from(value), shape }
}
