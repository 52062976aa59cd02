// The process's OpenTelemetry SDK (traces only): imported by plugins/tracing.ts only when tracing is asked for.
import { readFileSync } from 'node:fs'
import { DiagLogLevel, context, diag, propagation, trace } from '@opentelemetry/api'
import type { DiagLogger } from '@opentelemetry/api'
import { FastifyOtelInstrumentation } from '@fastify/otel'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { NodeSDK, core, resources } from '@opentelemetry/sdk-node'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { ChannelContextManager } from './context.js'
import { attr, traceEvents } from './spans.js'
import type { EventSpans } from './spans.js'

const SERVICE = 'text-bff'
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

/** Probes and scrapes make no traces unless OTEL_FASTIFY_IGNORE_PATHS (@fastify/otel's own variable) says otherwise. */
const UNTRACED_PATHS = ['/healthz', '/health/live', '/health/ready', '/metrics']

export interface Tracing {
  /** The request span (@fastify/otel), active in the route handler so the parts are its children. */
  readonly plugin: (app: FastifyInstance) => Promise<void>
  /** Traces the events published by `source` (an app's analyzer); returns the undo. */
  watch (source: object): () => void
  /** An app is done: the last one shuts the SDK down, flushing its spans; false when that took over `timeoutMs`. */
  release (timeoutMs: number): Promise<boolean>
}

interface Running {
  tracing: Tracing
  users: number
}

/**
 * One SDK per process: the tracer provider, the context manager and the instrumentations are global,
 * so apps built in one process (tests) share it, and the last to close shuts it down. After that a
 * new start registers afresh: shutting down also unregisters the globals.
 */
let running: Running | undefined

export function acquireTracing (log: FastifyBaseLogger): Tracing {
  if (running === undefined) running = { tracing: start(log), users: 0 }
  running.users++
  return running.tracing
}

function start (log: FastifyBaseLogger): Tracing {
  const manager = new ChannelContextManager()
  // Only HTTP calls made inside a span (the attempts) get a client span: the service's other undici
  // traffic, and a test's own client, stay out. No headers are captured (the key is a header).
  const undici = new UndiciInstrumentation({ requireParentforSpans: true })
  const fastify = new FastifyOtelInstrumentation({
    // One span per request, not one per hook of every plugin; the handler runs in the request's context
    // (below), so the parts are the request span's children.
    instrumentHooks: false,
    instrumentHandler: false,
    // Spans hold codes and numbers only: no exception events (an error's message and stack)...
    recordExceptions: false,
    requestHook (span, request) {
      span.updateName(request.routeOptions.url === undefined ? request.method : `${request.method} ${request.routeOptions.url}`)
      span.setAttribute(attr.requestId, request.id)
      // ...no query string (a client may put anything there, a key included)...
      span.setAttribute('url.path', request.url.split('?', 1)[0]!)
      // ...and no status message: @fastify/otel sets the error's, which may repeat what the client sent.
      // It has no option for that; the request span's status keeps its code.
      const setStatus = span.setStatus.bind(span)
      span.setStatus = (status) => setStatus({ code: status.code })
    },
    ...(process.env.OTEL_FASTIFY_IGNORE_PATHS === undefined ? { ignorePaths: ({ url }: { url: string }) => untraced(url) } : {}),
  })
  const sdk = new NodeSDK({
    contextManager: manager,
    instrumentations: [undici, fastify],
    // service.name defaults to text-bff; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (detected at start) win.
    resource: resources.defaultResource().merge(resources.resourceFromAttributes({ 'service.name': SERVICE, 'service.version': version })),
    // Traces only: metrics stay with prom-client on /metrics, and nothing logs through OpenTelemetry.
    metricReaders: [],
    logRecordProcessors: [],
  })
  // The SDK's own complaints (an unreachable collector, a bad variable) go to the service's log.
  diag.setLogger(diagLogger(log), { logLevel: core.diagLogLevelFromString(process.env.OTEL_LOG_LEVEL) ?? DiagLogLevel.WARN, suppressOverrideMessage: true })
  sdk.start()
  const events: EventSpans = traceEvents(manager.storage, trace.getTracer(SERVICE, version))

  const plugin = fp(async function requestSpans (app: FastifyInstance) {
    await app.register(fastify.plugin())
    app.addHook('onRoute', inRequestContext)
  }, { name: 'tracing-request-spans' })

  return {
    plugin,
    watch (source) {
      events.sources.add(source)
      return () => { events.sources.delete(source) }
    },
    async release (timeoutMs) {
      if (running === undefined || --running.users > 0) return true
      running = undefined
      events.close()
      undici.disable()
      fastify.disable()
      let flushed: boolean
      try {
        flushed = await within(sdk.shutdown(), timeoutMs)
      } catch (err) {
        log.warn({ err }, 'tracing: the SDK failed to shut down')
        flushed = false
      }
      trace.disable()
      propagation.disable()
      context.disable()
      diag.disable()
      return flushed
    },
  }
}

/**
 * @fastify/otel makes the request span active for the hooks that follow onRequest synchronously only:
 * a body arrives later, in the socket's context. Its own handler wrapper restores the context under a
 * span of its own; this one restores it with no extra span.
 */
function inRequestContext (route: RouteOptions): void {
  const handler = route.handler
  route.handler = function handlerInRequestContext (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
    const ctx = request.opentelemetry().context
    return ctx === null ? handler.call(this, request, reply) : context.with(ctx, handler, this, request, reply)
  }
}

function untraced (url: string): boolean {
  const end = url.indexOf('?')
  const path = end === -1 ? url : url.slice(0, end)
  return UNTRACED_PATHS.includes(path)
}

function diagLogger (log: FastifyBaseLogger): DiagLogger {
  const to = (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') => (message: string, ...args: unknown[]): void => {
    const err = args.find((a) => a instanceof Error)
    log[level](err === undefined ? {} : { err }, `opentelemetry: ${message}`)
  }
  return { error: to('error'), warn: to('warn'), info: to('info'), debug: to('debug'), verbose: to('trace') }
}

/** Whether `work` settled within `ms`; the timer does not hold the process open. */
async function within (work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false)
    timer.unref()
  })
  try {
    return await Promise.race([work.then(() => true), late])
  } finally {
    clearTimeout(timer)
  }
}
