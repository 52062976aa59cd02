// Shared JSON schemas: they drive validation, serialisation and the API description in one place.
import { errorCodes } from './errors.js'
import type { ErrorCode } from './errors.js'
import { partNames } from './parts.js'

const codes = Object.keys(errorCodes) as ErrorCode[]

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
    type: { type: 'string', description: 'A URI reference to GET for what the code means, e.g. /problems/upstream-timeout' },
    title: { type: 'string' },
    status: { type: 'integer', description: 'The HTTP status: always the one of its code' },
    detail: { type: 'string', description: 'What happened to this request, naming the field and the limit' },
    code: { type: 'string', enum: codes, description: 'Stable: clients match on it' },
    requestId: { type: 'string' },
    parts: { ...partReports, description: 'Each part\'s report, when parts were attempted' },
  },
} as const

/** The headers a refusal carries besides the document: what to present, or when to come back. */
const problemHeaders: Record<number, Record<string, { type: 'string', description: string }>> = {
  401: { 'www-authenticate': { type: 'string', description: 'The Bearer scheme and its realm (with error="invalid_token" for an unknown key)' } },
  429: { 'retry-after': { type: 'string', description: 'Seconds before trying again (absent when no wait helps: a text longer than the whole quota)' } },
  503: { 'retry-after': { type: 'string', description: 'Seconds before trying again, when the service knows (overload, an open circuit, the upstream\'s rate limit)' } },
}

/** A problem document limited to the codes that answer with `status` (less `except`), with an example of each. */
export function problemFor (status: number, description: string, except: readonly ErrorCode[] = []) {
  const these = codes.filter((c) => errorCodes[c].status === status && !except.includes(c))
  return {
    description,
    ...(problemHeaders[status] === undefined ? {} : { headers: problemHeaders[status] }),
    content: {
      'application/problem+json': {
        schema: { ...problem, properties: { ...problem.properties, code: { ...problem.properties.code, enum: these } } },
        examples: Object.fromEntries(these.map((code) => [code, {
          summary: errorCodes[code].title,
          value: {
            type: `/problems/${code.toLowerCase().replaceAll('_', '-')}`,
            title: errorCodes[code].title,
            status,
            detail: errorCodes[code].description,
            code,
            requestId: '13642f63-1ee6-40e3-b1f6-7f05cbd32e61',
          },
        }])),
      },
    },
  }
}

/** What GET /problems says of one code. */
export const problemDescription = {
  type: 'object',
  required: ['type', 'code', 'status', 'title', 'description', 'advice'],
  properties: {
    type: { type: 'string' },
    code: { type: 'string', enum: codes },
    status: { type: 'integer' },
    title: { type: 'string' },
    description: { type: 'string', description: 'When it happens' },
    advice: { type: 'string', description: 'What a client should do' },
  },
} as const

/**
 * The request body may hold MAX_TEXT_CHARS characters of text, each up to 12 bytes when JSON-escaped
 * (a code point beyond the BMP is a surrogate pair, \uD83D\uDE00), plus the small other fields: every
 * text the text limit admits fits the body limit.
 */
const MAX_ESCAPED_BYTES_PER_CHAR = 12

export function bodyLimitFor (maxTextChars: number): number {
  return maxTextChars * MAX_ESCAPED_BYTES_PER_CHAR + 4096
}

export function analyzeBody (maxTextChars: number, maxTimeoutMs: number) {
  return {
    type: 'object',
    required: ['text'],
    additionalProperties: false,
    properties: {
      text: { type: 'string', minLength: 1, maxLength: maxTextChars, pattern: '\\S', description: `The text to analyse: not blank, at most ${maxTextChars} characters` },
      parts: { type: 'array', items: partName, minItems: 1, uniqueItems: true, description: 'Parts to compute; default all. The others are not called upstream and report `skipped`.' },
      require: { type: 'array', items: partName, uniqueItems: true, description: 'Parts (among `parts`) whose failure fails the whole request; default none' },
      timeoutMs: { type: 'integer', minimum: 1, maximum: maxTimeoutMs, description: `A shorter deadline than the server's, in ms (1 to ${maxTimeoutMs})` },
    },
    examples: [{ text: 'Ada Lovelace worked with Charles Babbage in London in 1843. She wrote the first program for the Analytical Engine.' }],
  } as const
}

/** Request headers /analyze reads: documented here, checked in routes/analyze-http.ts (whose messages state the rules). */
export function analyzeHeaders (maxTimeoutMs: number) {
  return {
    type: 'object',
    properties: {
      'request-timeout-ms': { type: 'string', description: `A shorter deadline than the server's, in whole ms from 1 to ${maxTimeoutMs}; the smaller of this and timeoutMs wins` },
      'x-request-id': { type: 'string', description: 'Kept when 1–128 of [A-Za-z0-9_.:@-], else replaced by a UUID; sent upstream and echoed back' },
      'cache-control': { type: 'string', description: '`no-cache`: do not read the cache (the fresh result is still stored); `no-store`: neither read nor store' },
    },
  } as const
}

const entity = { type: 'object', required: ['type', 'text'], properties: { type: { type: 'string', description: 'An OntoNotes label: PERSON, ORG, GPE, DATE, MONEY…' }, text: { type: 'string' } } } as const

export const analysis = {
  type: 'object',
  required: ['summary', 'entities', 'mostCommonPhrases', 'parts', 'partial', 'requestId'],
  properties: {
    summary: { type: ['string', 'null'], description: 'null when the part failed or was skipped' },
    entities: { type: ['array', 'null'], items: entity },
    mostCommonPhrases: { type: ['array', 'null'], items: { type: 'string' } },
    parts: partReports,
    partial: { type: 'boolean', description: 'True when some requested part failed but none that was required' },
    requestId: { type: 'string' },
  },
} as const

const answerHeaders = {
  'x-request-id': { type: 'string', description: 'The request id, as in the body' },
  'ratelimit-policy': { type: 'string', description: 'With a rate limit or a quota: "requests";q=600;w=60, "chars";q=50000;w=60;qu="chars" (draft-ietf-httpapi-ratelimit-headers)' },
  ratelimit: { type: 'string', description: 'Where this client stands: "requests";r=599;t=42, "chars";r=49000;t=42' },
  'server-timing': { type: 'string', description: 'One entry per computed part: summary;dur=14.7, entities;dur=19.9;desc="UPSTREAM_TIMEOUT"' },
  'cache-status': { type: 'string', description: 'RFC 9211: text-bff; hit, or text-bff; fwd=miss; stored; collapsed, with each part in detail' },
  'partial-response': { type: 'string', description: 'On a partial answer: the failed parts, e.g. entities' },
} as const

const ok = (durationMs: number, cache: string) => ({ status: 'ok', durationMs, attempts: cache === 'hit' ? 0 : 1, cache })

/** The 200 answer of /analyze, with a whole and a partial example. */
export const analysisResponse = {
  description: 'The analysis: whole, or partial (`partial: true`) when a part that was not required failed',
  headers: answerHeaders,
  content: {
    'application/json': {
      schema: analysis,
      examples: {
        whole: {
          summary: 'Every part answered',
          value: {
            summary: 'Ada Lovelace worked with Charles Babbage in London in 1843.',
            entities: [{ type: 'PERSON', text: 'Ada Lovelace' }, { type: 'PERSON', text: 'Charles Babbage' }, { type: 'GPE', text: 'London' }, { type: 'DATE', text: '1843' }],
            mostCommonPhrases: ['Analytical Engine', 'Ada Lovelace', 'Charles Babbage'],
            parts: { summary: ok(14.7, 'miss'), entities: ok(19.9, 'miss'), mostCommonPhrases: ok(21.5, 'hit') },
            partial: false,
            requestId: '13642f63-1ee6-40e3-b1f6-7f05cbd32e61',
          },
        },
        partial: {
          summary: 'One part failed and was not required',
          value: {
            summary: 'Ada Lovelace worked with Charles Babbage in London in 1843.',
            entities: null,
            mostCommonPhrases: ['Analytical Engine', 'Ada Lovelace', 'Charles Babbage'],
            parts: {
              summary: ok(14.7, 'miss'),
              entities: { status: 'error', code: 'UPSTREAM_TIMEOUT', detail: "the request's 10000 ms deadline passed while the upstream call was in flight", durationMs: 10000.4, attempts: 1 },
              mostCommonPhrases: ok(21.5, 'miss'),
            },
            partial: true,
            requestId: '13642f63-1ee6-40e3-b1f6-7f05cbd32e61',
          },
        },
      },
    },
  },
} as const

/** Every problem status /analyze can answer with, each documented with its codes and an example of each. */
export const analysisProblems = {
  400: problemFor(400, 'The body, a header or the URL is invalid; the detail names the field and the limit'),
  401: problemFor(401, 'Client keys are on and the request carried no key, or an unknown one (WWW-Authenticate says which)'),
  413: problemFor(413, 'The body is larger than the longest text allows', ['BATCH_TOO_LARGE']),
  415: problemFor(415, 'The body is not application/json'),
  429: problemFor(429, 'This client\'s request rate or its quota of characters is used up: Retry-After, and the RateLimit header, say when it can go on'),
  502: problemFor(502, 'Parts failed upstream (every one, or a required one); `parts` has each report'),
  503: problemFor(503, 'Refused for now, with Retry-After: overload, an open circuit, the upstream\'s rate limit, or shutdown'),
  504: problemFor(504, 'The deadline passed: before the upstream could be called, or while it was'),
} as const

const streamHeaders = { 'x-request-id': answerHeaders['x-request-id'] } as const

/** A streamed part: its value as `data`, or its problem, then its report; as soon as it completes. */
const partLine = {
  type: 'object',
  required: ['part', 'status'],
  properties: {
    ...partReport.properties,
    part: partName,
    status: { type: 'string', enum: ['ok', 'error'] },
    data: { description: 'The part\'s value: the summary (a string), the entities, or the phrases' },
  },
} as const

/** The last line of a streamed analysis: the status and outcome the JSON answer would have had. */
const outcomeLine = {
  type: 'object',
  required: ['done', 'status', 'partial', 'requestId'],
  properties: {
    done: { type: 'boolean', enum: [true] },
    status: { type: 'integer', description: 'The status the JSON answer would have had: 200, or its problem\'s' },
    partial: { type: 'boolean' },
    failed: { type: 'array', items: partName, description: 'On a partial answer, the parts that failed' },
    type: { type: 'string' },
    code: { type: 'string', enum: codes },
    detail: { type: 'string' },
    requestId: { type: 'string' },
  },
} as const

const sseDescription = 'Server-Sent Events: each line above as the `data` of an event named `part` (or `item`) and, last, `done`, each with an increasing `id`'

/** The 200 answers of /analyze: the JSON document (the default), or the parts streamed as they complete. */
export const analysisAnswers = {
  ...analysisResponse,
  description: analysisResponse.description + '. With Accept: application/x-ndjson (or application/jsonl), one line per part as it ' +
    'completes, then the outcome; with Accept: text/event-stream, the same as Server-Sent Events. A failure before any part runs is ' +
    'still a problem document with its status; once streaming, the last line says the status the JSON answer would have had.',
  content: {
    ...analysisResponse.content,
    'application/x-ndjson': {
      schema: { oneOf: [partLine, outcomeLine] },
      example: '{"part":"summary","status":"ok","data":"Ada Lovelace worked with Charles Babbage.","durationMs":14.7,"attempts":1,"cache":"miss"}\n' +
        '{"part":"entities","status":"error","code":"UPSTREAM_TIMEOUT","detail":"the request\'s 10000 ms deadline passed while the upstream call was in flight","durationMs":10000.4,"attempts":1}\n' +
        '{"part":"mostCommonPhrases","status":"ok","data":["Analytical Engine"],"durationMs":21.5,"attempts":0,"cache":"hit"}\n' +
        '{"done":true,"status":200,"partial":true,"failed":["entities"],"requestId":"13642f63-1ee6-40e3-b1f6-7f05cbd32e61"}\n',
    },
    'application/jsonl': { schema: { oneOf: [partLine, outcomeLine] } },
    'text/event-stream': { schema: { type: 'string', description: sseDescription } },
  },
} as const

/** A batch: its items, each checked on its own (see batchItem), and a deadline for each. */
export function batchBody (maxItems: number, maxTextChars: number, maxTimeoutMs: number) {
  return {
    type: 'object',
    required: ['items'],
    additionalProperties: false,
    properties: {
      items: { type: 'array', minItems: 1, maxItems, items: batchItem(maxTextChars), description: `At most ${maxItems} texts, MAX_BATCH_CHARS characters in all. An invalid item fails alone, with its problem on its line.` },
      timeoutMs: { type: 'integer', minimum: 1, maximum: maxTimeoutMs, description: `Each item's deadline, in ms (1 to ${maxTimeoutMs}); default REQUEST_TIMEOUT_MS` },
    },
    examples: [{ items: [{ id: 'a1', text: 'Ada Lovelace worked with Charles Babbage in London in 1843.' }, { id: 'a2', text: 'Grace Hopper joined the Navy in 1943.', parts: ['entities'] }] }],
  } as const
}

/** One item of a batch: what POST /analyze takes, with an `id` of the client's echoed on its line. */
export function batchItem (maxTextChars: number) {
  const { timeoutMs: _timeoutMs, ...properties } = analyzeBody(maxTextChars, 1).properties
  return {
    type: 'object',
    required: ['text'],
    additionalProperties: false,
    properties: {
      id: { type: ['string', 'integer'], maxLength: 256, description: 'The client\'s own id for the item, echoed on its line' },
      ...properties,
    },
  } as const
}

/** One item's line: its id and index, the status its own POST /analyze would have had, and its analysis or its problem. */
const itemLine = {
  type: 'object',
  required: ['index', 'status'],
  properties: {
    id: { type: ['string', 'integer'] },
    index: { type: 'integer', description: 'The item\'s place in `items`, from 0' },
    status: { type: 'integer', description: '200, or its problem\'s status' },
    analysis,
    problem,
  },
} as const

/** The last line of a batch: counts by outcome and by code, and how long it took. */
const summaryLine = {
  type: 'object',
  required: ['done', 'items', 'outcomes', 'codes', 'durationMs', 'requestId'],
  properties: {
    done: { type: 'boolean', enum: [true] },
    items: { type: 'integer' },
    outcomes: {
      type: 'object',
      required: ['ok', 'partial', 'failed'],
      properties: { ok: { type: 'integer' }, partial: { type: 'integer' }, failed: { type: 'integer' } },
    },
    codes: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Failed items by code' },
    durationMs: { type: 'number' },
    requestId: { type: 'string' },
  },
} as const

export const batchAnswers = {
  description: 'One line per item as it completes (NDJSON, the default, or JSON Lines), then a summary line; with Accept: application/json, ' +
    'one array of the item lines in input order; with Accept: text/event-stream, `item` events and a `done` event',
  headers: streamHeaders,
  content: {
    'application/x-ndjson': {
      schema: { oneOf: [itemLine, summaryLine] },
      example: '{"id":"a2","index":1,"status":200,"analysis":{"summary":null,"entities":[{"type":"PERSON","text":"Grace Hopper"}],"mostCommonPhrases":null,"parts":{"summary":{"status":"skipped"},"entities":{"status":"ok","durationMs":12.1,"attempts":1,"cache":"miss"},"mostCommonPhrases":{"status":"skipped"}},"partial":false,"requestId":"b7:1"}}\n' +
        '{"id":"a1","index":0,"status":200,"analysis":{"summary":"Ada Lovelace worked with Charles Babbage in London in 1843.","entities":[],"mostCommonPhrases":[],"parts":{"summary":{"status":"ok","durationMs":20.3,"attempts":1,"cache":"miss"},"entities":{"status":"ok","durationMs":19.8,"attempts":1,"cache":"miss"},"mostCommonPhrases":{"status":"ok","durationMs":21,"attempts":1,"cache":"miss"}},"partial":false,"requestId":"b7:0"}}\n' +
        '{"done":true,"items":2,"outcomes":{"ok":2,"partial":0,"failed":0},"codes":{},"durationMs":24.6,"requestId":"b7"}\n',
    },
    'application/jsonl': { schema: { oneOf: [itemLine, summaryLine] } },
    'application/json': { schema: { type: 'array', items: itemLine } },
    'text/event-stream': { schema: { type: 'string', description: sseDescription } },
  },
} as const
