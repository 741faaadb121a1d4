// ESLint rule `hfc/layers`: which folder may import which, as declared in eslint.config.js.
// Every source file belongs to the zone of the longest path prefix that matches it; an import is
// allowed inside its own zone, into a zone (or path) its zone may import, or by a listed exception.
// Only relative imports are checked: the layers are folders of this repository.
import { existsSync, statSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'

const posix = (p) => p.split(sep).join('/')

/** The repository-relative path an import resolves to (extension-less specifiers resolve as TypeScript does). */
function target(fromFile, specifier, root) {
  const base = resolve(dirname(fromFile), specifier)
  let file = base
  if (existsSync(base) && statSync(base).isDirectory()) file = resolve(base, 'index.ts')
  else if (!/\.(ts|vue|js|json)$/.test(base)) file = `${base}.ts`
  return posix(relative(root, file))
}

function zoneOf(path, zones) {
  let best = null
  for (const [zone, prefixes] of zones) {
    for (const prefix of prefixes) {
      if ((path === prefix || path.startsWith(prefix)) && (!best || prefix.length > best.prefix.length)) best = { zone, prefix }
    }
  }
  return best?.zone ?? null
}

const matches = (path, allowed, zone) => allowed.some((a) => a === zone || path === a || (a.endsWith('/') && path.startsWith(a)))

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Keep the layering of folders that eslint.config.js declares.' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          zones: { type: 'array' },
          allow: { type: 'object' },
          exceptions: { type: 'array' },
        },
        required: ['root', 'zones', 'allow'],
        additionalProperties: false,
      },
    ],
    messages: {
      forbidden: '{{fromZone}} may not import {{path}} ({{toZone}}): {{fromZone}} may import only {{allowed}}. See "Layers" in the README.',
    },
  },
  create(context) {
    const { root, zones, allow, exceptions = [] } = context.options[0]
    const from = posix(relative(root, context.filename))
    const fromZone = zoneOf(from, zones)
    if (!fromZone) return {}
    const check = (node) => {
      const specifier = node.source?.value
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return
      const path = target(context.filename, specifier, root)
      const toZone = zoneOf(path, zones)
      if (!toZone || toZone === fromZone) return
      const allowed = allow[fromZone] ?? []
      if (matches(path, allowed, toZone)) return
      if (exceptions.some((e) => from.startsWith(e.from) && (path === e.to || (e.to.endsWith('/') && path.startsWith(e.to))))) return
      context.report({
        node: node.source,
        messageId: 'forbidden',
        data: { fromZone, toZone, path, allowed: allowed.join(', ') || 'nothing outside itself' },
      })
    }
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check }
  },
}
