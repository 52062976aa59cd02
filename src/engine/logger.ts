// The logging the engine needs; pino's Logger and fastify's request.log both satisfy it.
export interface EngineLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export const silentLogger: EngineLogger = {
  info () {},
  warn () {},
  error () {}
}
