// GET /problems/:slug: what each problem `type` URI means, so the URIs in error bodies resolve.
import type { FastifyInstance } from 'fastify'
import { errorCodes, problemType, ServiceError } from '../errors.js'
import type { ErrorCode } from '../errors.js'

export default async function problemRoutes (app: FastifyInstance): Promise<void> {
  const bySlug = new Map((Object.keys(errorCodes) as ErrorCode[]).map((code) => [problemType(code).slice('/problems/'.length), code]))
  app.get<{ Params: { slug: string } }>('/problems/:slug', async (request) => {
    const code = bySlug.get(request.params.slug)
    if (code === undefined) throw new ServiceError('NOT_FOUND', `there is no problem type "${request.params.slug}"`)
    return { type: problemType(code), code, status: errorCodes[code].status, title: errorCodes[code].title }
  })
}
