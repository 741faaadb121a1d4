import { realpath, stat } from 'node:fs/promises'
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { resourcesDir } from '../engine/base/resources-path'
import { ERROR_CODES, LabCallError } from '../protocol/errors'
import type { CallOptions, LabApi } from '../protocol/lab-api'
import { isMethodName, methods, type MethodName, type Params, type PartialOf, type Result } from '../protocol/methods'
import { pathFields, type PathUse } from '../protocol/paths'

/**
 * What a client of the browser host may touch on the server's disk. Anyone with the token acts
 * as the user who started the host, so the token alone must not reach the whole home folder:
 * reads only under `roots` (and the out-root), writes only under `outRoot`, both after links are
 * resolved. Electron needs none of this: there the user picks every path in an OS dialog.
 */
export interface HostAccess {
  /** Real paths of the folders whose files a client may read. */
  roots: string[]
  /** Real path of the folder every export is written under (created on first write). */
  outRoot: string
}

const DEFAULT_OUT_FOLDER = 'hfc-lab-output'

/** The real path of `path`: links resolved in every part that exists, the missing rest appended. */
async function realPathOf(path: string): Promise<string> {
  const missing: string[] = []
  for (let at = resolve(path); ;) {
    try {
      const real = await realpath(at)
      return missing.length ? join(real, ...missing.reverse()) : real
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error
      const parent = dirname(at)
      if (parent === at) return resolve(path)
      missing.push(basename(at))
      at = parent
    }
  }
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}

/**
 * The access of a host started in `cwd`: the given roots (default: `cwd`) plus the embedded
 * resources, and the given out-root (default: `<cwd>/hfc-lab-output`). A root must be a folder.
 */
export async function resolveAccess(options: { roots?: string[]; outRoot?: string; cwd?: string } = {}): Promise<HostAccess> {
  const cwd = options.cwd ?? process.cwd()
  const given = options.roots?.length ? options.roots : [cwd]
  const roots: string[] = []
  for (const root of [...given.map((r) => resolve(cwd, r)), resourcesDir()]) {
    const real = await realPathOf(root)
    const isFolder = await stat(real).then(
      (s) => s.isDirectory(),
      () => false,
    )
    if (!isFolder)
      throw new LabCallError({
        code: ERROR_CODES.notFound,
        message: `The root folder ${root} does not exist or is not a folder. Give an existing folder to --root.`,
      })
    if (!roots.includes(real)) roots.push(real)
  }
  return { roots, outRoot: await realPathOf(resolve(cwd, options.outRoot ?? DEFAULT_OUT_FOLDER)) }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

/** Checks one path parameter against the access and returns its real path, which the engine then uses. */
async function confinePath(method: MethodName, value: string, use: PathUse, force: boolean, access: HostAccess): Promise<string> {
  const real = await realPathOf(value).catch((error: NodeJS.ErrnoException) => {
    throw new LabCallError({
      code: ERROR_CODES.invalidRequest,
      message: `The path ${value.slice(0, 200)} cannot be resolved (${error.code ?? error.message}). Check it and try again.`,
    })
  })
  if (use.access === 'read') {
    if (![...access.roots, access.outRoot].some((root) => isInside(real, root))) {
      throw new LabCallError({
        code: ERROR_CODES.pathOutsideRoots,
        message: `${value} is outside the folders this browser host may read (${[...access.roots, access.outRoot].join(', ')}). Move the files under one of them, or restart the host with "hfc-lab serve --root <folder>".`,
      })
    }
    return real
  }
  if (!isInside(real, access.outRoot)) {
    throw new LabCallError({
      code: ERROR_CODES.pathOutsideOutRoot,
      message: `${value} is outside the output folder of this browser host (${access.outRoot}). Write under it, or restart the host with "hfc-lab serve --out-root <folder>".`,
    })
  }
  if (use.access === 'write-file' && extname(real).toLowerCase() !== use.extension) {
    if (force && (await exists(real))) {
      throw new LabCallError({
        code: ERROR_CODES.overwriteRefused,
        message: `${value} is not a ${use.extension} file that HFC Lab writes, so it will not be replaced. Choose a new file name ending in ${use.extension}.`,
      })
    }
    throw new LabCallError({
      code: ERROR_CODES.invalidRequest,
      message: `${method} writes a ${use.extension} file: give a file name ending in ${use.extension}.`,
    })
  }
  return real
}

/**
 * The engine as the browser host offers it: every path parameter (found from the method table,
 * so none can be missed) is checked against the access and replaced by its real path; engine.info
 * also reports the access, so the UI can show it.
 */
export function confineToAccess(engine: LabApi, access: HostAccess): LabApi {
  return {
    async call<M extends MethodName>(method: M, params: Params<M>, options?: CallOptions<PartialOf<M>>): Promise<Result<M>> {
      if (!isMethodName(method) || !params || typeof params !== 'object') return engine.call(method, params, options)
      const checked = { ...(params as Record<string, unknown>) }
      const force = checked.force === true
      for (const { key, use, list } of pathFields(methods[method].params)) {
        // Paths are top-level fields (pinned by the protocol tests); anything else is left to validation.
        const value = key.length === 1 ? checked[key[0]] : undefined
        if (list && Array.isArray(value)) {
          const confined: unknown[] = []
          for (const item of value)
            confined.push(typeof item === 'string' && item.length > 0 ? await confinePath(method, item, use, force, access) : item)
          checked[key[0]] = confined
        } else if (typeof value === 'string' && value.length > 0) checked[key[0]] = await confinePath(method, value, use, force, access)
      }
      const result = await engine.call(method, checked as Params<M>, options)
      if (method === 'engine.info') return { ...(result as Result<'engine.info'>), access } as Result<M>
      return result
    },
  }
}
