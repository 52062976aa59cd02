// @ts-check
// The fake upstream and the built service, each in its own process on a free port, for the benchmarks that run one service.
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, start, stop, waitReady } from './proc.js'

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const root = resolve(benchDir, '..')

/**
 * Starts bench/upstream.js (with `upstreamEnv`) and dist/server.js pointed at it (quiet logs, then `serviceEnv`),
 * and waits until both answer. `stop()` ends both.
 * @param {{ workDir: string, latencyMs: number, upstreamEnv?: Record<string, string>, serviceEnv: Record<string, string> }} opts
 */
export async function startStack (opts) {
  /** @param {string} name @param {string} entry @param {Record<string, string>} env */
  const launch = (name, entry, env) => start({ name, argv: [process.execPath, entry], cpus: undefined, logPath: join(opts.workDir, `${name}.out`), env })
  const upPort = await freePort()
  const upstream = launch('upstream', join(benchDir, 'upstream.js'), { PORT: String(upPort), UPSTREAM_LATENCY_MS: String(opts.latencyMs), ...opts.upstreamEnv })
  await waitReady(`http://127.0.0.1:${upPort}/__stats`, 20_000, upstream.child)
  const port = await freePort()
  const service = launch('service', join(root, 'dist/server.js'),
    { HOST: '127.0.0.1', PORT: String(port), TEXT_API_URL: `http://127.0.0.1:${upPort}/text`, TEXT_API_KEY: 'bench', LOG_LEVEL: 'warn', ...opts.serviceEnv })
  const stopAll = async () => {
    await stop(service.child)
    await stop(upstream.child)
  }
  try {
    await waitReady(`http://127.0.0.1:${port}/healthz`, 20_000, service.child)
  } catch (err) {
    await stopAll()
    throw err
  }
  return {
    port,
    /** The fake upstream's own routes: GET /__stats, POST /__reset. @param {string} path @param {string} [method] */
    async upstreamJson (path, method = 'GET') {
      const res = await fetch(`http://127.0.0.1:${upPort}${path}`, { method })
      return /** @type {Record<string, number>} */ (await res.json())
    },
    stop: stopAll,
  }
}
