// Shared JSON schemas: they drive validation, serialisation and the API description in one place.
import { partNames } from './parts.js'

export const partName = { type: 'string', enum: partNames } as const

export const partReport = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error', 'skipped'] },
    durationMs: { type: 'number' },
    attempts: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    upstreamStatus: { type: 'integer' },
    retryAfterMs: { type: 'integer' },
    cache: { type: 'string', enum: ['hit', 'miss', 'stale', 'collapsed', 'bypass'] },
  },
} as const

export const partReports = {
  type: 'object',
  required: partNames,
  properties: { summary: partReport, entities: partReport, mostCommonPhrases: partReport },
} as const

/** RFC 9457 problem document, with our `code` and `requestId`, and `parts` when a part failed. */
export const problem = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    requestId: { type: 'string' },
    parts: partReports,
  },
} as const

/**
 * The request body may hold MAX_TEXT_CHARS characters of text, each up to 6 bytes when JSON-escaped
 * (\uXXXX), plus the small other fields.
 */
export function bodyLimitFor (maxTextChars: number): number {
  return maxTextChars * 6 + 4096
}

export function analyzeBody (maxTextChars: number, maxTimeoutMs: number) {
  return {
    type: 'object',
    required: ['text'],
    additionalProperties: false,
    properties: {
      text: { type: 'string', minLength: 1, maxLength: maxTextChars, pattern: '\\S' },
      parts: { type: 'array', items: partName, minItems: 1, uniqueItems: true },
      require: { type: 'array', items: partName, uniqueItems: true },
      timeoutMs: { type: 'integer', minimum: 1, maximum: maxTimeoutMs },
    },
  } as const
}

export const analysis = {
  type: 'object',
  required: ['summary', 'entities', 'mostCommonPhrases', 'parts', 'partial', 'requestId'],
  properties: {
    summary: { type: ['string', 'null'] },
    entities: {
      type: ['array', 'null'],
      items: { type: 'object', required: ['type', 'text'], properties: { type: { type: 'string' }, text: { type: 'string' } } },
    },
    mostCommonPhrases: { type: ['array', 'null'], items: { type: 'string' } },
    parts: partReports,
    partial: { type: 'boolean' },
    requestId: { type: 'string' },
  },
} as const
