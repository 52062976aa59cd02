// Security headers (helmet) fitted to a JSON API: nothing may be framed, scripted or loaded from its answers.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'
import type { HelmetOptions } from 'helmet'

/*
 * helmet decides the headers; this plugin only applies them. @fastify/helmet, which it replaces, builds
 * a new helmet middleware on every request (parsing the policy's directives again each time), in two
 * onRequest hooks, one of them async: 3-4 % of the profile of the CPU-bound bench, and 0.87x the CPU a
 * request once replaced (an interleaved A/B, 6 rounds, noisy VM). With no nonces,
 * the headers depend on the configuration alone, so helmet computes them once per policy, at start-up,
 * and one synchronous hook sets them.
 */

type Directives = Record<string, string[]>

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page's own Content-Security-Policy directives, instead of the API's. */
    csp?: Directives
    /** The headers this route's answers carry: computed once, when the route is added. */
    securityHeaders?: Readonly<Record<string, string>>
  }
}

/**
 * The API answers JSON: a document that loads nothing and embeds in nothing. Pages the service serves
 * itself (Swagger UI, the playground) set a policy of their own for what they load, all from 'self'.
 * No upgrade-insecure-requests: the service often runs on plain HTTP behind a proxy or on localhost,
 * where it would break its own pages.
 */
export const API_CSP: Directives = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
}

function options (directives: Directives): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives },
    // Cross-origin frontends read answers through CORS; CORP only restricts no-cors loads, which an API has none of.
    crossOriginResourcePolicy: { policy: 'same-site' },
  }
}

/** The headers helmet sets for these options, collected from one run of its middleware on a stand-in response. */
export function securityHeadersOf (opts: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader (name: string, value: unknown) { headers[name.toLowerCase()] = String(value) },
    removeHeader (name: string) { delete headers[name.toLowerCase()] },
  }
  let failure: unknown = new Error('helmet did not finish synchronously')
  helmet(opts)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => { failure = err })
  if (failure !== undefined) throw failure
  return Object.freeze(headers)
}

export default fp(async function securityHeaders (app: FastifyInstance) {
  const api = securityHeadersOf(options(API_CSP))
  app.addHook('onRoute', (route) => {
    const csp = route.config?.csp
    if (csp !== undefined) route.config = { ...route.config, securityHeaders: securityHeadersOf(options(csp)) }
  })
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.routeOptions.config.securityHeaders ?? api)
    done()
  })
}, { name: 'security-headers' })
