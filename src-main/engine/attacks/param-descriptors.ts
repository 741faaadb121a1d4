import { z } from 'zod'

/** A serialisable description of one attack parameter (the protocol's wire type). */
export type { ParamInfo as ParamDescriptor } from '../../protocol/attacks'
import type { ParamInfo as ParamDescriptor } from '../../protocol/attacks'

interface Unwrapped {
  inner: z.ZodTypeAny
  default?: unknown
  optional: boolean
  description?: string
}

function unwrap(schema: z.ZodTypeAny): Unwrapped {
  let inner = schema
  let description = schema.description
  let value: unknown
  let optional = false
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      value = inner._def.defaultValue()
      inner = inner._def.innerType
    } else if (inner instanceof z.ZodOptional) {
      optional = true
      inner = inner._def.innerType
    } else break
    description ??= inner.description
  }
  return { inner, default: value, optional, description }
}

type Bounds = Pick<ParamDescriptor, 'min' | 'max' | 'exclusiveMin' | 'exclusiveMax'>

function numberBounds(schema: z.ZodNumber): { int: boolean; bounds: Bounds } {
  const bounds: Bounds = {}
  let int = false
  for (const check of schema._def.checks) {
    if (check.kind === 'int') int = true
    else if (check.kind === 'min') {
      bounds.min = check.value
      if (!check.inclusive) bounds.exclusiveMin = true
    } else if (check.kind === 'max') {
      bounds.max = check.value
      if (!check.inclusive) bounds.exclusiveMax = true
    }
  }
  return { int, bounds }
}

function describeField(name: string, schema: z.ZodTypeAny): ParamDescriptor {
  const { inner, default: value, optional, description } = unwrap(schema)
  const base = { name, description: description ?? '', optional: optional || value !== undefined }
  const withDefault = <T extends object>(d: T) => (value === undefined ? d : { ...d, default: value as ParamDescriptor['default'] })
  if (inner instanceof z.ZodNumber) {
    const { int, bounds } = numberBounds(inner)
    return withDefault({ ...base, type: int ? 'integer' : 'number', ...bounds })
  }
  if (inner instanceof z.ZodBoolean) return withDefault({ ...base, type: 'boolean' })
  if (inner instanceof z.ZodEnum) return withDefault({ ...base, type: 'enum', choices: [...(inner._def.values as string[])] })
  if (inner instanceof z.ZodArray && inner._def.type instanceof z.ZodNumber) {
    return withDefault({ ...base, type: 'number-list', ...numberBounds(inner._def.type).bounds })
  }
  throw new Error(`Parameter "${name}" has a schema type the form builder does not know (${inner.constructor.name}).`)
}

/** The JSON description of every field of an object schema, in declaration order. */
export function describeParams(schema: z.AnyZodObject): ParamDescriptor[] {
  return Object.entries(schema.shape as Record<string, z.ZodTypeAny>).map(([name, field]) => describeField(name, field))
}
