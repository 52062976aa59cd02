// Turns an ajv validation error into a sentence that names the field and the limit.
import type { FastifySchemaValidationError } from 'fastify/types/schema.js'

export function validationDetail (errors: FastifySchemaValidationError[], context: string): string {
  const e = errors[0]
  if (e === undefined) return `${context} is invalid`
  const params = e.params as Record<string, unknown>
  const field = fieldName(e.instancePath, context)
  switch (e.keyword) {
    case 'required': return `${join(field, String(params.missingProperty))} is required`
    case 'additionalProperties': return `${field === context ? context : field} has an unknown field "${String(params.additionalProperty)}"`
    case 'maxLength': return `${field} must be at most ${String(params.limit)} characters`
    case 'minLength':
    case 'pattern': return `${field} must not be empty or blank`
    case 'type': return `${field} must be ${article(String(params.type))}`
    case 'enum': return `${field} must be one of ${(params.allowedValues as unknown[]).join(', ')}`
    case 'maximum': return `${field} must be at most ${String(params.limit)}`
    case 'minimum': return `${field} must be at least ${String(params.limit)}`
    case 'minItems': return `${field} must name at least ${String(params.limit)} item`
    case 'maxItems': return `${field} must hold at most ${String(params.limit)} items`
    case 'uniqueItems': return `${field} must not repeat an item`
    default: return `${field} ${e.message ?? 'is invalid'}`
  }
}

/** Contexts that are not named in a field's name: `text`, not `body.text`. */
const ROOTS = new Set(['body', 'headers', 'querystring', 'params'])

/** `/parts/0` in body → `parts[0]`; in a context such as `items[3]` → `items[3].parts[0]`; the root is the context's name. */
function fieldName (instancePath: string, context: string): string {
  if (instancePath === '') return context
  const segments = instancePath.slice(1).split('/').map((seg) => /^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`)
  if (!ROOTS.has(context)) segments.unshift(context)
  return segments.join('').replace(/^\./, '')
}

function join (parent: string, child: string): string {
  return ROOTS.has(parent) ? child : `${parent}.${child}`
}

function article (type: string): string {
  if (type === 'object') return 'a JSON object'
  if (type === 'array') return 'an array'
  if (type === 'integer') return 'an integer'
  return `a ${type}`
}
