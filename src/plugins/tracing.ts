// OpenTelemetry tracing when the standard OTEL_* variables ask for it; otherwise no OpenTelemetry module loads and no event gains a subscriber.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Whether the environment asks for traces: an OTLP endpoint, or an OTEL_TRACES_EXPORTER that is not
 * `none` (read as the SDK reads it: a list whose first entry `none` turns traces off), unless
 * OTEL_SDK_DISABLED=true.
 */
export function tracingRequested (env: Record<string, string | undefined>): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '' && s !== 'null')
  if (exporters.length > 0) return exporters[0] !== 'none'
  return (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() !== '' || (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '').trim() !== ''
}

/**
 * Reads process.env, not the app's validated config: the SDK reads its standard variables (endpoint,
 * protocol, headers, sampler, resource) from process.env itself, and the switch must agree with it.
 * The SDK module is imported only past the switch: with tracing off, start-up and every request cost
 * what they did without this plugin.
 */
export default fp(async function tracing (app: FastifyInstance) {
  if (!tracingRequested(process.env)) return
  const { acquireTracing } = await import('../tracing/sdk.js')
  const tracing = acquireTracing(app.log)
  let unwatch: (() => void) | undefined
  let closingAt = performance.now()
  app.addHook('preClose', async () => { closingAt = performance.now() })
  app.addHook('onClose', async () => {
    unwatch?.()
    // onClose runs once in-flight requests are done; the spans are flushed within what is left of the grace.
    const timeoutMs = Math.max(100, app.config.SHUTDOWN_GRACE_MS - (performance.now() - closingAt))
    if (!await tracing.release(timeoutMs)) app.log.warn({ timeoutMs }, 'tracing: spans not flushed within the shutdown grace')
  })
  await app.register(tracing.plugin)
  // The analyzer is registered later; its events are traced from when the app is ready.
  app.addHook('onReady', async () => {
    if (app.hasDecorator('analyzer')) unwatch = tracing.watch(app.analyzer)
  })
  app.log.info({ exporter: process.env.OTEL_TRACES_EXPORTER ?? 'otlp', protocol: process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf' }, 'tracing: OpenTelemetry on')
}, { name: 'tracing', dependencies: ['@fastify/env'] })
