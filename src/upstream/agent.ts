// The process's one upstream dispatcher: a keep-alive undici Agent with explicit limits.
import { Agent } from 'undici'

export interface AgentOptions {
  /** Connections per origin; sized to the semaphore so a permit never waits for a socket. */
  connections: number
  connectTimeoutMs: number
  /**
   * Backstop for a response that stalls (headers or between body chunks). Each request's own deadline
   * normally cancels first; this catches a call whose request forgot to.
   */
  stallTimeoutMs: number
  maxResponseBytes: number
}

export function createAgent (opts: AgentOptions): Agent {
  return new Agent({
    connections: opts.connections,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: opts.connectTimeoutMs },
    headersTimeout: opts.stallTimeoutMs,
    bodyTimeout: opts.stallTimeoutMs,
    maxResponseSize: opts.maxResponseBytes,
  })
}
