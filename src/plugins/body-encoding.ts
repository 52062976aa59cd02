// Bodies are JSON in UTF-8 and not content-encoded: another charset or any Content-Encoding is a 415 naming it.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { parse } from 'content-type'
import { ServiceError } from '../errors.js'

/** RFC 8259: JSON exchanged between systems is UTF-8; `utf8` is the alias clients commonly send. */
const UTF8 = new Set(['utf-8', 'utf8'])

/** Why a body cannot be read as UTF-8 JSON as it stands, or undefined when it can. */
export function encodingProblem (contentType: string | undefined, contentEncoding: string | undefined): string | undefined {
  if (contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity') {
    return `content-encoding ${JSON.stringify(contentEncoding)} is not supported; send the body unencoded`
  }
  if (contentType === undefined || !contentType.includes('=')) return undefined
  const charset = parse(contentType).parameters.charset
  if (charset !== undefined && !UTF8.has(charset.toLowerCase())) {
    return `charset ${JSON.stringify(charset)} is not supported; send application/json in utf-8`
  }
  return undefined
}

export default fp(async function bodyEncoding (app: FastifyInstance) {
  // A callback hook: no promise per request, and two header reads in the common case.
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const headers = request.headers
    const length = headers['content-length']
    // Only a body has a charset or an encoding to read it by, and only the POST routes read one: liveness
    // must not fail for a body it ignores, nor an unknown path answer anything but its 404 or 405.
    if (headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return done()
    if (request.method !== 'POST' || request.is404) return done()
    const problem = encodingProblem(headers['content-type'], headers['content-encoding'])
    done(problem === undefined ? undefined : new ServiceError('UNSUPPORTED_MEDIA_TYPE', problem))
  })
}, { name: 'body-encoding', dependencies: ['problems'] })
