// One log line per request, written when it completes, with the outcome; no "incoming request" line.
import { LogController } from 'fastify'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { errorCodes } from './errors.js'
import type { ServiceError } from './errors.js'

/** Half Fastify's default logging cost (one line, not two), and no hook on the request path. */
export class RequestLog extends LogController {
  constructor () {
    super({ requestIdLogLabel: 'requestId' })
  }

  override incomingRequest (): void {}

  /** A stream whose client left is logged once, as CLIENT_CLOSED (client-closed.ts); other stream errors as Fastify does. */
  override streamError (error: Error, request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return
    super.streamError(error, request, reply, metadata)
  }

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // The client's key name, never its key.
    const line = requestLine(request, reply, reply.statusCode)
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}

function requestLine (request: FastifyRequest, reply: FastifyReply, statusCode: number) {
  return { method: request.method, url: request.url, statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10, client: request.client?.name }
}

/** The one line of a request whose client left before its answer was complete (it never completes). */
export function logClientClosed (request: FastifyRequest, reply: FastifyReply, refusal?: ServiceError): void {
  if (refusal !== undefined) reply.log.info({ ...requestLine(request, reply, refusal.status), code: refusal.code }, 'client error')
  else reply.log.info({ ...requestLine(request, reply, errorCodes.CLIENT_CLOSED.status), code: 'CLIENT_CLOSED' }, 'request closed by the client')
}
