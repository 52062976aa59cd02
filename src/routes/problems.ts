// GET /problems and /problems/:slug: what each problem `type` URI means and what a client should do, so the URIs in error bodies resolve.
import type { FastifyInstance } from 'fastify'
import { errorCodes, problemType, ServiceError } from '../errors.js'
import type { ErrorCode } from '../errors.js'
import { problemDescription, problemFor } from '../schemas.js'

function describe (code: ErrorCode) {
  const { status, title, description, advice } = errorCodes[code]
  return { type: problemType(code), code, status, title, description, advice }
}

export default async function problemRoutes (app: FastifyInstance): Promise<void> {
  const codes = Object.keys(errorCodes) as ErrorCode[]
  const bySlug = new Map(codes.map((code) => [problemType(code).slice('/problems/'.length), code]))
  app.get('/problems', {
    schema: {
      summary: 'Every problem type',
      description: 'Each code the service can answer with: its one status, when it happens, and what a client should do.',
      tags: ['problems'],
      response: { 200: { description: 'All problem types', type: 'array', items: problemDescription } },
    },
  }, async () => codes.map(describe))
  app.get<{ Params: { slug: string } }>('/problems/:slug', {
    schema: {
      summary: 'One problem type',
      description: 'What the `type` URI of a problem document means.',
      tags: ['problems'],
      params: { type: 'object', properties: { slug: { type: 'string', description: 'The code in lower case with hyphens, e.g. upstream-timeout' } } },
      response: { 200: { description: 'The problem type', ...problemDescription }, 404: problemFor(404, 'No such problem type') },
    },
  }, async (request) => {
    const code = bySlug.get(request.params.slug)
    if (code === undefined) throw new ServiceError('NOT_FOUND', `there is no problem type "${request.params.slug}"`)
    return describe(code)
  })
}
