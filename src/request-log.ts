// One log line per request, written when it completes, with the outcome; no "incoming request" line.
import { LogController } from 'fastify'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { errorCodes } from './errors.js'

/** Half Fastify's default logging cost (one line, not two), and no hook on the request path. */
export class RequestLog extends LogController {
  constructor () {
    super({ requestIdLogLabel: 'requestId' })
  }

  override incomingRequest (): void {}

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
export function logClientClosed (request: FastifyRequest, reply: FastifyReply): void {
  reply.log.info({ ...requestLine(request, reply, errorCodes.CLIENT_CLOSED.status), code: 'CLIENT_CLOSED' }, 'request closed by the client')
}
