import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { methods } from '../../../src-main/protocol/methods'
import { pathFields } from '../../../src-main/protocol/paths'

/** Every string leaf of a schema, with its keys, through the wrappers the protocol uses. */
function stringFields(schema: z.ZodTypeAny, key: string[] = []): string[][] {
  if (schema instanceof z.ZodString) return [key]
  if (schema instanceof z.ZodEffects) return stringFields(schema._def.schema, key)
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return stringFields(schema.unwrap(), key)
  if (schema instanceof z.ZodDefault) return stringFields(schema._def.innerType, key)
  if (schema instanceof z.ZodArray) return stringFields(schema.element, [...key, '[]'])
  if (schema instanceof z.ZodDiscriminatedUnion || schema instanceof z.ZodUnion)
    return (schema.options as z.ZodTypeAny[]).flatMap((o) => stringFields(o, key))
  if (schema instanceof z.ZodObject)
    return Object.entries(schema.shape as Record<string, z.ZodTypeAny>).flatMap(([k, v]) => stringFields(v, [...key, k]))
  return []
}

describe('path-bearing parameters come from the method table', () => {
  const table = Object.entries(methods).map(([name, spec]) => ({ name, fields: pathFields(spec.params) }))

  it('finds every path the engine reads or writes, as a top-level field', () => {
    const found = table.flatMap(({ name, fields }) => fields.map((f) => `${name}.${f.key.join('.')}:${f.use.access}`)).sort()
    expect(found).toEqual([
      'data.export.out:write-folder',
      'data.open.path:read',
      'gallery.export.out:write-folder',
      'model.export.out:write-file',
      'model.open.path:read',
      'model.saveSidecar.out:write-file',
      'report.checkpoint.out:write-folder',
      'report.run.out:write-folder',
      'report.shard.out:write-folder',
      'report.write.out:write-folder',
      'results.save.file:write-file',
      'results.save.out:write-folder',
      'shard.merge.dirs:read',
      'shard.merge.out:write-folder',
      'shard.run.out:write-folder',
      'shard.status.out:read',
      'spectral.export.out:write-folder',
    ])
    for (const { fields } of table) for (const f of fields) expect(f.key).toHaveLength(1)
  })

  it('leaves no string parameter that looks like a path unmarked', () => {
    const pathLike = /^(path|out|file|files|dir|folder|root|src|dest|target|output|input)$/i
    for (const [name, spec] of Object.entries(methods)) {
      const marked = new Set(pathFields(spec.params).map((f) => f.key.join('.')))
      for (const key of stringFields(spec.params)) {
        if (key.some((k) => pathLike.test(k))) expect(marked, `${name}.${key.join('.')}`).toContain(key.join('.'))
      }
    }
  })
})
