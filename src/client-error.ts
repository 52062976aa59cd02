// Node's own refusals (malformed HTTP, oversized headers, slow requests) as problem documents, then close.
// Hand-written because Fastify's `clientErrorHandler` option is where these surface, below any route or
// reply: the answer has to be written to the raw socket. Its default writes {"error":"Bad Request"}.
import { randomUUID } from 'node:crypto'
import { maxHeaderSize, STATUS_CODES } from 'node:http'
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { ServiceError, toProblem } from './errors.js'

interface ParserError extends Error {
  code?: string
  /** llhttp's explanation ("Invalid method encountered"): its words, never the client's bytes. */
  reason?: unknown
}

/** Which of our codes a connection error is, with its detail; undefined when there is no one to answer. */
function toServiceError (err: ParserError, app: FastifyInstance): ServiceError | undefined {
  switch (err.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ServiceError('REQUEST_TIMEOUT', `the request did not arrive in time: its headers must arrive within HEADERS_TIMEOUT_MS (${app.config.HEADERS_TIMEOUT_MS} ms) and all of it within BODY_TIMEOUT_MS (${app.config.BODY_TIMEOUT_MS} ms)`)
    case 'HPE_HEADER_OVERFLOW':
      return new ServiceError('HEADERS_TOO_LARGE', `the request line and headers exceed ${maxHeaderSize} bytes`)
    default: {
      const reason = typeof err.reason === 'string' ? `: ${err.reason}` : ''
      return new ServiceError('MALFORMED_REQUEST', `the request is not valid HTTP/1.1 (${err.code ?? 'unknown'}${reason})`)
    }
  }
}

/** On a response that a route is serving: its request's id (set in client-closed.ts). */
export const requestIdOf = Symbol('text-bff.request-id')
/** Set on such a response when the refusal below was written in its place (a body that trickled in past its time). */
export const refusalOf = Symbol('text-bff.refusal')
export type TrackedResponse = ServerResponse & { [requestIdOf]?: string, [refusalOf]?: ServiceError }

/**
 * Fastify's `clientErrorHandler`, `this` being the app. Logs the code and llhttp's reason only: the
 * error's `rawPacket` holds the client's bytes, keys included, and is never logged.
 */
export function clientError (this: FastifyInstance, err: ParserError, socket: Socket): void {
  const serviceError = toServiceError(err, this)
  // A response already under way (a stream) cannot be followed by another one on the same socket.
  const inFlight = (socket as Socket & { _httpMessage?: TrackedResponse | null })._httpMessage
  if (serviceError !== undefined && socket.writable && inFlight?.headersSent !== true) {
    // A request a route was serving keeps its id; its one log line and its count (this status, not
    // CLIENT_CLOSED) come from client-closed.ts when its response closes.
    const tracked = inFlight?.[requestIdOf]
    const requestId = tracked ?? randomUUID()
    if (tracked === undefined) {
      this.log.info({ requestId, statusCode: serviceError.status, code: serviceError.code, reason: typeof err.reason === 'string' ? err.reason : err.code }, 'client error')
    } else {
      inFlight![refusalOf] = serviceError
    }
    writeProblem(socket, serviceError, requestId)
  }
  socket.destroySoon()
}

/** The problem document as a whole HTTP/1.1 answer on the raw socket, which is then ended. */
function writeProblem (socket: Socket, serviceError: ServiceError, requestId: string): void {
  const body = JSON.stringify(toProblem(serviceError, requestId))
  socket.end(`HTTP/1.1 ${serviceError.status} ${STATUS_CODES[serviceError.status]}\r\n` +
    `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`)
}

/**
 * The server's 'connect' listener: this is no proxy. Without one Node drops a CONNECT request without
 * a word; with it the client hears why, as for any other method the service does not serve.
 */
export function refuseConnect (this: FastifyInstance, _req: unknown, socket: Socket): void {
  const requestId = randomUUID()
  const refusal = new ServiceError('MALFORMED_REQUEST', 'CONNECT is not served: this is no proxy')
  this.log.info({ requestId, statusCode: refusal.status, code: refusal.code, reason: 'CONNECT' }, 'client error')
  socket.on('error', () => {})
  writeProblem(socket, refusal, requestId)
  socket.destroySoon()
}
