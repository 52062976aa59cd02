// Every error becomes an RFC 9457 problem document with a stable code; nothing a client sends yields a 500.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import FindMyWay from 'find-my-way'
import type { HTTPMethod } from 'find-my-way'
import { ServiceError, toProblem } from '../errors.js'
import type { ErrorCode } from '../errors.js'
import { validationDetail } from './validation-detail.js'

/** Of an oversized body, read and discard at most this much before answering 413 and closing. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024
const DRAIN_TIMEOUT_MS = 2000
const METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']

export function sendProblem (request: FastifyRequest, reply: FastifyReply, err: ServiceError): FastifyReply {
  if (err.retryAfterS !== undefined) reply.header('retry-after', String(err.retryAfterS))
  return reply
    .code(err.status)
    .header('x-request-id', request.id)
    .type('application/problem+json')
    .send(toProblem(err, request.id))
}

/**
 * Fastify's router errors, which it answers outside the error handler unless given this as its
 * `frameworkErrors` option: a path that is not valid percent-encoding, or a parameter too long.
 */
export function frameworkError (err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?', 1)[0]!
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendProblem(request, reply, new ServiceError('NOT_FOUND', `there is no route ${request.method} ${path}: a path segment is longer than ${request.server.initialConfig.maxParamLength} characters`))
  }
  return sendProblem(request, reply, new ServiceError('INVALID_URL', `the request path is not valid percent-encoding: ${JSON.stringify(path)}`))
}

/** Fastify's own errors, by code, as ours. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
}

function toServiceError (err: FastifyError, request: FastifyRequest, bodyLimit: number): ServiceError {
  if (err instanceof ServiceError) return err
  if (err.validation !== undefined) {
    return new ServiceError('VALIDATION_FAILED', validationDetail(err.validation, err.validationContext ?? 'body'))
  }
  const code = err.code === undefined ? undefined : fastifyCodes[err.code]
  switch (code) {
    case 'BODY_TOO_LARGE':
      return new ServiceError(code, `the request body exceeds ${bodyLimit} bytes; ${request.routeOptions.config.bodyLimitOf ?? 'this route takes no larger one'}`)
    case 'UNSUPPORTED_MEDIA_TYPE':
      return new ServiceError(code, `content-type ${JSON.stringify(request.headers['content-type'] ?? '')} is not supported; send application/json`)
    case 'INVALID_JSON':
      return new ServiceError(code, err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the body is empty; send {"text": "..."}' : 'the body is not valid JSON')
    case 'VALIDATION_FAILED':
      return new ServiceError(code, 'content-length does not match the body received')
  }
  // A 4xx that Fastify raised for the request itself (e.g. a malformed header) stays a client error.
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new ServiceError('VALIDATION_FAILED', err.message)
  }
  return new ServiceError('INTERNAL_ERROR', 'an internal error occurred; it has been logged with this requestId', { cause: err })
}

/** Reads and drops what the client is still sending, so it gets our answer instead of a reset. */
function drain (request: FastifyRequest): Promise<void> {
  const raw = request.raw
  if (raw.readableEnded || raw.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    let seen = 0
    const finish = (): void => {
      clearTimeout(timer)
      raw.off('data', onData)
      raw.off('end', finish)
      raw.off('error', finish)
      raw.off('close', finish)
      resolve()
    }
    const onData = (chunk: Buffer): void => {
      seen += chunk.length
      if (seen > DRAIN_LIMIT_BYTES) finish()
    }
    const timer = setTimeout(finish, DRAIN_TIMEOUT_MS)
    raw.on('data', onData)
    raw.once('end', finish)
    raw.once('error', finish)
    raw.once('close', finish)
    raw.resume()
  })
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a route's body limit follows, for its 413's detail; by default MAX_TEXT_CHARS. */
    bodyLimitOf?: string
  }
  interface FastifyRequest {
    /** For a 405, the route the path matched with another method. */
    matchedRoute: string | undefined
  }
}

/**
 * The route label a request is counted and logged under: its route's pattern, or the one the shadow
 * router matched (a 405), or `unmatched`, so scanners cannot grow the series without bound.
 */
export function routeLabel (request: FastifyRequest): string {
  return request.routeOptions.url ?? request.matchedRoute ?? 'unmatched'
}

export default fp(async function problems (app: FastifyInstance) {
  app.decorateRequest('matchedRoute', undefined)
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    // A stream whose client left: not a bug, and nobody to answer (client-closed.ts logs and counts it).
    if (err.code === 'ERR_STREAM_PREMATURE_CLOSE' && reply.raw.destroyed) return reply
    const serviceError = toServiceError(err, request, request.routeOptions.bodyLimit)
    if (serviceError.status >= 500) {
      request.log[serviceError.code === 'INTERNAL_ERROR' ? 'error' : 'warn']({ err: serviceError.code === 'INTERNAL_ERROR' ? err : undefined, code: serviceError.code, detail: serviceError.message }, 'request failed')
    }
    if (serviceError.code === 'BODY_TOO_LARGE') {
      reply.header('connection', 'close')
      await drain(request)
    }
    return sendProblem(request, reply, serviceError)
  })

  // Which methods a path allows, for 405. A client's URL is only ever *matched* (find), never handed to
  // an API that parses it as a route pattern: app.hasRoute/findRoute read `*`, `:x` and `(…)` as
  // pattern syntax and throw on some of them. A shadow router of find-my-way (Fastify's own), with
  // Fastify's matching options, holds every route the app registers.
  const { caseSensitive, ignoreTrailingSlash, ignoreDuplicateSlashes, maxParamLength, useSemicolonDelimiter } = app.initialConfig
  // find-my-way reads useSemicolonDelimiter, though its types leave it out.
  const shadow = FindMyWay({ caseSensitive, ignoreTrailingSlash, ignoreDuplicateSlashes, maxParamLength, ...{ useSemicolonDelimiter } })
  app.addHook('onRoute', (route) => {
    // A catch-all (@fastify/cors's preflight route, OPTIONS *) answers every path: it says nothing of
    // which paths exist, and would turn every unknown path's 404 into a 405.
    if (route.url === '*' || route.url === '/*') return
    // A prefix's own root ('/docs') also answers with a trailing slash ('/docs/'), and Fastify tells
    // onRoute of the first only (and of the second's HEAD): the shadow gets both.
    const urls = route.routePath === '' && route.prefixTrailingSlash !== 'no-slash' && !route.url.endsWith('/') ? [route.url, `${route.url}/`] : [route.url]
    for (const method of [route.method].flat()) {
      if (!METHODS.includes(method as HTTPMethod)) continue
      for (const url of urls) if (!shadow.hasRoute(method as HTTPMethod, url)) shadow.on(method as HTTPMethod, url, noop, { url: route.url })
    }
  })

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?', 1)[0]!
    let matched: string | undefined
    const allowed = METHODS.filter((method) => {
      if (method === request.method) return false
      const found = shadow.find(method, request.url)
      if (found !== null) matched = (found.store as { url: string }).url
      return found !== null
    })
    if (allowed.length > 0) {
      // The route exists: a 405 is counted under it, not among the unmatched paths.
      request.matchedRoute = matched
      reply.header('allow', allowed.join(', '))
      return sendProblem(request, reply, new ServiceError('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}`))
    }
    return sendProblem(request, reply, new ServiceError('NOT_FOUND', `there is no route ${request.method} ${path}`))
  })
}, { name: 'problems' })

function noop (): void {}
