// Builds the Fastify app from an environment; registering in order, this file is the table of contents.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import Fastify from 'fastify'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import fastifyEnv from '@fastify/env'
import type { Dispatcher } from 'undici'
import { checkConfig, checkNumbers, configSchema, toConfigError } from './config.js'
import { codePointLengths } from './code-points.js'
import tracing from './plugins/tracing.js'
import problems, { frameworkError } from './plugins/problems.js'
import { clientError, refuseConnect } from './client-error.js'
import slowClients from './plugins/slow-clients.js'
import bodyEncoding from './plugins/body-encoding.js'
import clientClosed from './plugins/client-closed.js'
import corsPlugin from './plugins/cors.js'
import overload from './plugins/overload.js'
import engine from './plugins/engine.js'
import upstream from './plugins/upstream.js'
import redis from './plugins/redis.js'
import cache from './plugins/cache.js'
import analyzer from './plugins/analyzer.js'
import clients from './plugins/clients.js'
import readiness from './plugins/readiness.js'
import metrics from './plugins/metrics.js'
import debugLog from './plugins/debug-log.js'
import openapi from './plugins/openapi.js'
import securityHeaders from './plugins/security-headers.js'
import analyzeRoute from './routes/analyze.js'
import batchRoute from './routes/batch.js'
import healthRoutes from './routes/health.js'
import problemRoutes from './routes/problems.js'
import playgroundRoutes from './routes/playground.js'
import { RequestLog } from './request-log.js'
import { ServiceError } from './errors.js'

export interface AppOptions {
  /** Where the configuration comes from (process.env, or a test's values); validated here, once, by @fastify/env. */
  env: Record<string, unknown>
  /** A pino logger (server.ts passes the process's); none means silent. */
  logger?: FastifyBaseLogger
  /** Upstream dispatcher to use instead of a new Agent (tests, benchmarks). */
  dispatcher?: Dispatcher
}

/** A client's X-Request-Id is kept when it is short and plain; anything else is replaced. */
const SANE_REQUEST_ID = /^[\w.:@-]{1,128}$/

function requestId (req: IncomingMessage): string {
  const given = req.headers['x-request-id']
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID()
}

/**
 * What Node or Fastify would answer in their own words, or not at all, refused as every other request
 * is: a problem document, with the security headers and the log line of any answer. One callback hook
 * for both checks, on every request.
 * - Once close() has begun, a new request (on a connection already open, or pipelined) is SHUTTING_DOWN
 *   (Fastify adds Connection: close), instead of return503OnClosing's fixed JSON body.
 * - An HTTP/1.1 request without Host is MALFORMED_REQUEST, instead of Node's bare 400 (requireHostHeader
 *   is off for this).
 * - A CONNECT, which Node drops without a word when nothing listens for it, is answered and closed.
 */
function refuseInOurWords (app: FastifyInstance): void {
  app.server.on('connect', refuseConnect.bind(app))
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  app.addHook('onRequest', (request, _reply, done) => {
    if (closing) return done(new ServiceError('SHUTTING_DOWN', 'the service is shutting down; send the request again, another replica will take it'))
    if (request.headers.host === undefined && request.raw.httpVersionMajor === 1 && request.raw.httpVersionMinor >= 1) {
      return done(new ServiceError('MALFORMED_REQUEST', 'an HTTP/1.1 request must carry a Host header (RFC 9112 3.2)'))
    }
    done()
  })
}

/** Rejects with a ConfigError naming the variable when the environment is invalid. */
export async function buildApp (opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger === undefined ? { logger: false } : { loggerInstance: opts.logger }),
    genReqId: requestId,
    logController: new RequestLog(),
    // Behind a load balancer the idle timeout must outlast the balancer's (commonly 60 s).
    keepAliveTimeout: 72_000,
    // A request that arrives while the server closes (on a keep-alive connection, or pipelined) gets the
    // SHUTTING_DOWN problem document from refuseInOurWords, not Fastify's fixed JSON body.
    return503OnClosing: false,
    // The embedded engine may take most of its own 30 s start timeout on a busy machine; a plugin
    // timeout below it would fail start-up with a vaguer message first.
    pluginTimeout: 45_000,
    // minLength and maxLength count code points, as ajv's own do, without scanning every text (code-points.ts).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false }, plugins: [codePointLengths] },
    // Every body schema has additionalProperties: false, so a __proto__ or constructor key is refused
    // by validation, naming the field, and nothing merges request objects. secure-json-parse's scan of
    // every body for those keys would be a second check, paid on every request.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    frameworkErrors: frameworkError,
    // What Node's HTTP parser refuses (malformed framing, huge headers, slow requests): problem documents too.
    clientErrorHandler: clientError,
    http: { requireHostHeader: false },
  })
  // Only JSON is accepted: a text/plain body is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain')

  checkNumbers(opts.env)
  try {
    await app.register(fastifyEnv, { schema: configSchema, data: opts.env, env: false, dotenv: false })
  } catch (err) {
    throw toConfigError(err)
  }
  checkConfig(app.config)
  await app.register(slowClients)
  // First, so the request span wraps everything else (and nothing is loaded unless tracing is on).
  await app.register(tracing)
  await app.register(securityHeaders)
  // Before any route (the docs' own included), so that each is known for 404 against 405.
  await app.register(problems)
  refuseInOurWords(app)
  // Before any route, so that it sees each one as it is added.
  await app.register(openapi)
  await app.register(bodyEncoding)
  await app.register(clientClosed)
  await app.register(corsPlugin)
  await app.register(overload)
  await app.register(engine)
  await app.register(redis)
  await app.register(upstream, { dispatcher: opts.dispatcher })
  await app.register(cache)
  await app.register(analyzer)
  await app.register(clients)
  await app.register(readiness)
  await app.register(metrics)
  await app.register(debugLog)
  await app.register(analyzeRoute)
  await app.register(batchRoute)
  await app.register(healthRoutes)
  await app.register(problemRoutes)
  await app.register(playgroundRoutes)

  // Connections busy when close() starts would otherwise idle on keep-alive and hold shutdown open.
  // Node reads keepAliveTimeout when each response finishes, so this closes them right after theirs.
  app.addHook('preClose', async () => { app.server.keepAliveTimeout = 1 })
  return app
}
