// GET /playground: a page to try the analysis in a browser; three fixed files read once at start-up and served from memory.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fresh from 'fresh'

/**
 * The page's own policy: its script, its stylesheet and its calls to this service, nothing else (no
 * inline code, no other origin). The page is never framed and has no form that submits anywhere.
 */
export const PLAYGROUND_CSP = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'connect-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
}

interface Asset {
  readonly body: Buffer
  readonly type: string
  readonly etag: string
}

/** src/playground next to src/routes, and dist/playground (the build copies it) next to dist/routes. */
function load (name: string, type: string): Asset {
  const body = readFileSync(new URL(`../playground/${name}`, import.meta.url))
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
}

/**
 * The names are not fingerprinted, so browsers revalidate every time (`no-cache`) and the ETag makes
 * that a 304 without a body: a new release is picked up at once, and an unchanged one costs nothing.
 */
function send (request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  reply.header('cache-control', 'no-cache').header('etag', asset.etag)
  // If-None-Match as RFC 9110 reads it (a list, weak comparison, *), through jshttp's fresh.
  if (fresh(request.headers, { etag: asset.etag })) return reply.code(304).send()
  return reply.type(asset.type).send(asset.body)
}

export default async function playgroundRoutes (app: FastifyInstance): Promise<void> {
  if (!app.config.PLAYGROUND) return
  const page = load('index.html', 'text/html; charset=utf-8')
  const script = load('app.js', 'text/javascript; charset=utf-8')
  const style = load('app.css', 'text/css; charset=utf-8')
  const config = { csp: PLAYGROUND_CSP }
  // The assets are an implementation detail of the page: left out of the OpenAPI document.
  const asset = { config, schema: { hide: true } }
  app.get('/playground', {
    config,
    schema: {
      summary: 'Playground',
      description: 'A page to try POST /analyze in a browser: paste a text, see each part as it streams in (PLAYGROUND=false turns it off).',
      tags: ['playground'],
      response: {
        200: { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } },
        304: { description: 'Not modified: the ETag given in If-None-Match is current', type: 'null' },
      },
    },
  }, async (request, reply) => send(request, reply, page))
  app.get('/playground/app.js', asset, async (request, reply) => send(request, reply, script))
  app.get('/playground/app.css', asset, async (request, reply) => send(request, reply, style))
}
