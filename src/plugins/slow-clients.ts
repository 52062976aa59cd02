// Slow and idle clients: Node's own header and request timeouts and connection cap, from the configuration.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** How often Node looks for requests past their timeouts, at most, in ms (its default, 30 s, lets them run that much late). */
const CHECK_EVERY_MS = 1000

export default fp(async function slowClients (app: FastifyInstance) {
  const { HEADERS_TIMEOUT_MS, BODY_TIMEOUT_MS, MAX_CONNECTIONS } = app.config
  // connectionsCheckingInterval is an http.Server option Node's types leave off the instance.
  const server = app.server as typeof app.server & { connectionsCheckingInterval: number }
  // Both answer through the clientErrorHandler (src/client-error.ts): 408 REQUEST_TIMEOUT, then close.
  server.headersTimeout = HEADERS_TIMEOUT_MS
  server.requestTimeout = BODY_TIMEOUT_MS
  // Read when the server starts listening (a plugin runs before that).
  server.connectionsCheckingInterval = Math.min(CHECK_EVERY_MS, Math.ceil(HEADERS_TIMEOUT_MS / 4))
  // Node closes a connection beyond the cap as it arrives, so idle ones cannot take every socket.
  server.maxConnections = MAX_CONNECTIONS
}, { name: 'slow-clients', dependencies: ['@fastify/env'] })
