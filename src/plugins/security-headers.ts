// Security headers (@fastify/helmet) fitted to a JSON API: nothing may be framed, scripted or loaded from its answers.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'

/**
 * The API answers JSON: a document that loads nothing and embeds in nothing. Pages the service serves
 * itself (Swagger UI, the playground) set a policy of their own for what they load, all from 'self'.
 * No upgrade-insecure-requests: the service often runs on plain HTTP behind a proxy or on localhost,
 * where it would break its own pages.
 */
export const API_CSP = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
}

export default fp(async function securityHeaders (app: FastifyInstance) {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    // Cross-origin frontends read answers through CORS; CORP only restricts no-cors loads, which an API has none of.
    crossOriginResourcePolicy: { policy: 'same-site' },
  })
}, { name: 'security-headers' })
