// Answers as a stream of events: NDJSON (or JSON Lines) one object per line, or Server-Sent Events, pulled as the client reads.
import type { ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Negotiator from 'negotiator'

export const NDJSON = 'application/x-ndjson'
export const JSONL = 'application/jsonl'
export const SSE = 'text/event-stream'
export const JSON_TYPE = 'application/json'

/** A media type that streams events. */
export type StreamMedia = typeof NDJSON | typeof JSONL | typeof SSE

/** One event of a stream: its SSE event name, and the object written as its line or its data. */
export interface StreamEvent {
  event: string
  data: unknown
}

/**
 * The type among `offered` (in the server's order of preference) that the Accept header prefers,
 * with q-values and wildcards; `offered[0]` when the header is missing or matches none, so a client
 * that asks for nothing in particular gets the default answer, never a 406.
 */
export function negotiate<T extends string> (accept: string | undefined, offered: readonly T[]): T {
  if (accept === undefined || accept === '') return offered[0]!
  const preferred = new Negotiator({ headers: { accept } }).mediaType(offered as T[]) as T | undefined
  return preferred ?? offered[0]!
}

/**
 * `negotiate` for a route's answer, which then varies with Accept: says so (RFC 9110 12.5.5), beside
 * whatever Vary already holds (Origin, with CORS on), so no cache serves a stream to a JSON client.
 */
export function negotiateAnswer<T extends string> (request: FastifyRequest, reply: FastifyReply, offered: readonly T[]): T {
  const vary = reply.getHeader('vary')
  reply.header('vary', vary === undefined || vary === '' ? 'Accept' : `${String(vary)}, Accept`)
  return negotiate(request.headers.accept, offered)
}

export function isStream (media: string): media is StreamMedia {
  return media === NDJSON || media === JSONL || media === SSE
}

/**
 * Sends `events` as `media`, one event written as soon as it is produced. The events are pulled only
 * as fast as the socket drains: a client that stops reading stops the producer once a few events are
 * buffered, and one that leaves destroys the stream (the caller's `close` listener cancels the work).
 */
export function sendEvents (reply: FastifyReply, media: StreamMedia, events: AsyncIterable<StreamEvent>): FastifyReply {
  reply
    .type(media === SSE ? 'text/event-stream; charset=utf-8' : `${media}; charset=utf-8`)
    .header('cache-control', 'no-store')
    // Proxies that buffer answers (nginx) pass this one through as it comes.
    .header('x-accel-buffering', 'no')
  return reply.send(Readable.from(encode(events, media, reply.raw), { objectMode: false, highWaterMark: 16 * 1024 }))
}

async function * encode (events: AsyncIterable<StreamEvent>, media: StreamMedia, res: ServerResponse): AsyncGenerator<string> {
  // First read, once Fastify has set the headers and piped: the 200 goes out now, not with the first
  // part, so a client or proxy waiting for headers does not wait for the slowest upstream call.
  res.flushHeaders()
  let id = 0
  for await (const e of events) {
    // JSON.stringify escapes every line break inside strings: one event is exactly one line.
    const json = JSON.stringify(e.data)
    yield media === SSE ? `event: ${e.event}\nid: ${++id}\ndata: ${json}\n\n` : `${json}\n`
  }
}
