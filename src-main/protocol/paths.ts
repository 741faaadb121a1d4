import { z } from 'zod'

/**
 * Parameters that name a file or folder on the engine's machine. Each is declared with one of the
 * builders below, so hosts that confine file access (the browser host) find every one of them
 * from the method table itself: a new method cannot add a path the confinement does not see.
 */
export type PathUse =
  /** A file or folder the engine reads (a data set, a model). */
  | { access: 'read' }
  /** A folder the engine creates and fills with files it names itself (exports). */
  | { access: 'write-folder' }
  /** One file the engine writes, with the extension its format has. */
  | { access: 'write-file'; extension: string }

const uses = new WeakMap<z.ZodTypeAny, PathUse>()

function pathString(use: PathUse): z.ZodString {
  const schema = z.string().min(1).max(4096)
  uses.set(schema, use)
  return schema
}

export const readPath = () => pathString({ access: 'read' })
export const writeFolderPath = () => pathString({ access: 'write-folder' })
export const writeFilePath = (extension: string) => pathString({ access: 'write-file', extension })

export interface PathField {
  /** Keys from the params object down to the string (or the list of strings). */
  key: string[]
  use: PathUse
  /** The field is a list of paths, each used the same way. */
  list?: boolean
}

/** Every path-bearing field of a params schema, however it is wrapped (optional, default, refine, a list). */
export function pathFields(schema: z.ZodTypeAny, key: string[] = []): PathField[] {
  const use = uses.get(schema)
  if (use) return [{ key, use }]
  if (schema instanceof z.ZodEffects) return pathFields(schema._def.schema, key)
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return pathFields(schema.unwrap(), key)
  if (schema instanceof z.ZodDefault) return pathFields(schema._def.innerType, key)
  if (schema instanceof z.ZodArray) return pathFields(schema.element as z.ZodTypeAny, key).map((f) => ({ ...f, list: true }))
  if (schema instanceof z.ZodObject)
    return Object.entries(schema.shape as Record<string, z.ZodTypeAny>).flatMap(([k, v]) => pathFields(v, [...key, k]))
  return []
}
