// deploy/: every manifest parses, and its variables, probes, ports, timings and security agree with what the service serves and reads.
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import envSchema from 'env-schema'
import t from 'tap'
import { parseAllDocuments } from 'yaml'
import { buildApp } from '../src/app.js'
import { checkConfig, configSchema, logConfigSchema } from '../src/config.js'
import type { Config } from '../src/config.js'
import { loadEngineConfig } from '../src/engine/config.js'
import { createEngineServer } from '../src/engine/server.js'
import { TextEngine } from '../src/engine/text-engine.js'

// Parsed YAML: shapes are checked field by field below, each failure naming its file and field.
type Obj = Record<string, any>

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const DEPLOY = join(ROOT, 'deploy')
const ENGINE_ENTRY = 'dist/engine/main.js'
/** The image's repository name, as the Kubernetes manifests name it (any registry, any tag). */
const IMAGE_NAME = 'text-bff'

const SERVICE_VARS = new Set([...Object.keys(configSchema.properties), ...Object.keys(logConfigSchema.properties)])
/** The names the engine reads, recorded from loadEngineConfig itself rather than copied. */
const ENGINE_VARS = (() => {
  const seen = new Set<string>()
  loadEngineConfig(new Proxy({}, { get (_target, name) { if (typeof name === 'string') seen.add(name); return undefined } }))
  return seen
})()

// ---------------------------------------------------------------------------------------------- loading

interface Doc { file: string, index: number, count: number, value: Obj }

function yamlFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return yamlFiles(path)
    return /\.ya?ml$/.test(e.name) ? [path] : []
  }).sort()
}

const parseErrors: string[] = []
const docs: Doc[] = yamlFiles(DEPLOY).flatMap((path) => {
  const file = relative(ROOT, path)
  // merge: compose.yaml shares settings through `<<: *anchor`, which Compose and podman-compose resolve.
  const parsed = parseAllDocuments(readFileSync(path, 'utf8'), { merge: true })
  const list = Array.isArray(parsed) ? parsed : [parsed]
  for (const d of list) for (const e of d.errors) parseErrors.push(`${file}: ${e.message}`)
  const values = list.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined)
  return values.map((value, index) => ({ file, index, count: values.length, value: value as Obj }))
})

function where (d: Doc, field: string): string {
  const doc = d.count > 1 ? `, document ${d.index + 1}` : ''
  const obj = typeof d.value.kind === 'string' ? ` ${d.value.kind}/${d.value.metadata?.name}` : ''
  return `${d.file}${doc}${obj}: ${field}`
}

const composeDocs = docs.filter((d) => isObj(d.value.services))
const k8sDocs = docs.filter((d) => typeof d.value.apiVersion === 'string' && typeof d.value.kind === 'string')
// Prometheus rule files (deploy/prometheus/), checked series by series in test/monitoring.test.ts.
const ruleDocs = docs.filter((d) => Array.isArray(d.value.groups) && d.value.apiVersion === undefined)
const k8s = (kind: string) => k8sDocs.filter((d) => d.value.kind === kind)

function isObj (v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

// ---------------------------------------------------------------------------------------------- compose

/** deploy/.env.example is the template of deploy/.env, which Compose reads for ${…} in compose.yaml. */
function readEnvFile (path: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(.*?)\s*$/.exec(line)
    if (m !== null) out[m[1] as string] = (m[2] as string).replace(/^(["'])(.*)\1$/, '$2')
  }
  return out
}

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
function interpolate (value: string, vars: Record<string, string>, missing: (name: string) => void): string {
  return value.replace(/\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}|\$(\w+)/g, (all, braced?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
    if (all === '$$') return '$'
    const name = (braced ?? bare) as string
    const v = vars[name]
    const unset = v === undefined || (colon === ':' && v === '')
    if (!unset) return v
    if (op === '-') return arg ?? ''
    missing(name)
    return ''
  })
}

function interpolateDeep (value: unknown, vars: Record<string, string>, missing: (name: string) => void): unknown {
  if (typeof value === 'string') return interpolate(value, vars, missing)
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, vars, missing))
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, vars, missing)]))
  return value
}

function composeEnv (service: Obj): Record<string, string> {
  const env = service.environment
  if (env === undefined || env === null) return {}
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((e: string) => {
      const i = String(e).indexOf('=')
      return i < 0 ? [e, ''] : [e.slice(0, i), e.slice(i + 1)]
    }))
  }
  return Object.fromEntries(Object.entries(env as Obj).map(([k, v]) => [k, v === null ? '' : String(v)]))
}

function commandLine (c: unknown): string {
  return Array.isArray(c) ? c.join(' ') : typeof c === 'string' ? c : ''
}

function durationMs (value: unknown): number {
  if (typeof value === 'number') return value * 1000
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
  let total = 0
  const text = String(value)
  const re = /(\d+(?:\.\d+)?)(us|ms|s|m|h)/g
  let consumed = ''
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * (units[m[2] as string] as number)
    consumed += m[0]
  }
  return consumed === text && text !== '' ? total : Number.NaN
}

function urlsIn (text: string): URL[] {
  return [...text.matchAll(/https?:\/\/[^\s'"`)]+/g)].map((m) => new URL(m[0]))
}

function urlPort (url: URL): number {
  return url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
}

interface ComposeService { doc: Doc, name: string, service: Obj, env: Record<string, string>, field: string }

interface ComposeView {
  doc: Doc
  services: Obj
  apps: ComposeService[]
  engines: ComposeService[]
  missingVars: string[]
}

function composeView (doc: Doc): ComposeView {
  const envExample = join(ROOT, dirname(doc.file), '.env.example')
  let vars: Record<string, string> = {}
  try { vars = readEnvFile(envExample) } catch {}
  const missingVars: string[] = []
  const services = interpolateDeep(doc.value.services, vars, (n) => missingVars.push(n)) as Obj
  const builtImages = new Set(Object.values(services).filter((s: Obj) => s.build !== undefined && s.image !== undefined).map((s: Obj) => s.image))
  const runsImage = (s: Obj) => s.build !== undefined || builtImages.has(s.image)
  const all = Object.entries(services).filter(([, s]) => runsImage(s)).map(([name, s]) => ({
    doc, name, service: s as Obj, env: composeEnv(s), field: `services.${name}`,
  }))
  const isEngine = (s: ComposeService) => commandLine(s.service.command).includes(ENGINE_ENTRY)
  return { doc, services, apps: all.filter((s) => !isEngine(s)), engines: all.filter(isEngine), missingVars }
}

const composes = composeDocs.map(composeView)

// ---------------------------------------------------------------------------------------------- kubernetes

interface Container {
  doc: Doc
  pod: Obj
  container: Obj
  field: string
  /** Every variable and where it comes from, as the kubelet would set it; undefined values are unresolvable. */
  env: Record<string, string | undefined>
  sources: Array<{ name: string, field: string }>
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']

function configData (kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined {
  const d = k8s(kind).find((x) => x.value.metadata?.name === name)
  if (d === undefined) return undefined
  if (kind === 'ConfigMap') return { ...(d.value.data ?? {}) }
  const decoded = Object.fromEntries(Object.entries(d.value.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')]))
  return { ...decoded, ...(d.value.stringData ?? {}) }
}

function containersOf (d: Doc): Container[] {
  if (!WORKLOADS.includes(d.value.kind)) return []
  const pod = d.value.spec?.template?.spec ?? {}
  return (pod.containers ?? []).map((c: Obj, i: number) => {
    const field = `spec.template.spec.containers[${i}] (${c.name})`
    const env: Record<string, string | undefined> = {}
    const sources: Array<{ name: string, field: string }> = []
    for (const [j, from] of (c.envFrom ?? []).entries()) {
      const kind = from.configMapRef !== undefined ? 'ConfigMap' : 'Secret'
      const ref = from.configMapRef ?? from.secretRef
      const data = configData(kind, ref?.name) ?? {}
      for (const [k, v] of Object.entries(data)) {
        env[`${from.prefix ?? ''}${k}`] = v
        sources.push({ name: `${from.prefix ?? ''}${k}`, field: `${field}.envFrom[${j}] → ${kind}/${ref?.name} key ${k}` })
      }
    }
    for (const [j, e] of (c.env ?? []).entries()) {
      const vf = e.valueFrom
      let value: string | undefined
      if (vf?.configMapKeyRef !== undefined) value = configData('ConfigMap', vf.configMapKeyRef.name)?.[vf.configMapKeyRef.key]
      else if (vf?.secretKeyRef !== undefined) value = configData('Secret', vf.secretKeyRef.name)?.[vf.secretKeyRef.key]
      else value = e.value
      env[e.name] = value
      sources.push({ name: e.name, field: `${field}.env[${j}] (${e.name})` })
    }
    return { doc: d, pod, container: c, field, env, sources }
  })
}

function imageName (image: unknown): string {
  const path = String(image).split('@')[0] as string
  const last = path.slice(path.lastIndexOf('/') + 1)
  return last.split(':')[0] as string
}

const k8sContainers = k8sDocs.flatMap(containersOf)
const isEngineContainer = (c: Container) => `${commandLine(c.container.command)} ${commandLine(c.container.args)}`.includes(ENGINE_ENTRY)
const k8sAppImage = k8sContainers.filter((c) => imageName(c.container.image) === IMAGE_NAME)
const k8sApps = k8sAppImage.filter((c) => !isEngineContainer(c))
const k8sEngines = k8sAppImage.filter(isEngineContainer)

/** A probe's or Service's port: a number, or the name of one of the container's ports. */
function containerPort (c: Obj, port: unknown): number | undefined {
  if (typeof port === 'number') return port
  return (c.ports ?? []).find((p: Obj) => p.name === port)?.containerPort
}

function selects (selector: Obj | undefined, labels: Obj | undefined): boolean {
  const match = selector?.matchLabels ?? selector
  if (!isObj(match) || Object.keys(match).length === 0) return false
  return Object.entries(match).every(([k, v]) => labels?.[k] === v)
}

function servicesFor (c: Container): Doc[] {
  return k8s('Service').filter((s) => selects(s.value.spec?.selector, c.doc.value.spec?.template?.metadata?.labels))
}

/** A preStop sleep (native action or `sleep N`) delays SIGTERM, and counts against the grace period. */
function preStopSleepMs (c: Obj): number {
  const pre = c.lifecycle?.preStop
  if (pre?.sleep?.seconds !== undefined) return pre.sleep.seconds * 1000
  const m = /(?:^|\s)sleep\s+(\d+(?:\.\d+)?)\s*$/.exec(commandLine(pre?.exec?.command))
  return m === null ? 0 : Number(m[1]) * 1000
}

// ---------------------------------------------------------------------------------------------- the service's view

/** The configuration a set of variables gives the service: schema defaults filled, rules checked. */
function serviceConfig (env: Record<string, string | undefined>): Config {
  const data = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined))
  envSchema({ schema: logConfigSchema, data: { ...data }, env: false, dotenv: false })
  const config = envSchema<Config>({ schema: configSchema, data: { ...data }, env: false, dotenv: false })
  checkConfig(config)
  return config
}

function fallbackConcurrency (config: Config): number {
  return config.UPSTREAM_FALLBACK_CONCURRENCY || Math.max(1, Math.floor(config.UPSTREAM_CONCURRENCY / 4))
}

// ---------------------------------------------------------------------------------------------- the balancer

interface Balancer {
  file: string
  /** `server-template` and `server` lines of backends: host, port, and how many slots. */
  servers: Array<{ host: string, port: number, slots: number, line: string }>
  checkPaths: string[]
  binds: number[]
  interMs: number
  fall: number
  timeoutServerMs: number
}

function haproxyMs (value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const m = /^(\d+)(us|ms|s|m|h|d)?$/.exec(value)
  if (m === null) return Number.NaN
  const unit = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 'ms'] as number
  return Number(m[1]) * unit
}

function parseHaproxy (path: string): Balancer {
  const lines = readFileSync(path, 'utf8').split('\n').map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter((l) => l !== '')
  const b: Balancer = { file: relative(ROOT, path), servers: [], checkPaths: [], binds: [], interMs: 2000, fall: 3, timeoutServerMs: Number.NaN }
  const opt = (words: string[], name: string) => { const i = words.indexOf(name); return i < 0 ? undefined : words[i + 1] }
  for (const line of lines) {
    const w = line.split(/\s+/)
    if (w[0] === 'server-template' || w[0] === 'server') {
      const [slots, target] = w[0] === 'server-template' ? [Number(w[2]), w[3]] : [1, w[2]]
      const m = /^(.*):(\d+)$/.exec(target ?? '')
      b.servers.push({ host: m?.[1] ?? '', port: Number(m?.[2]), slots, line })
    }
    if (w[0] === 'http-check' && w[1] === 'send') { const uri = opt(w, 'uri'); if (uri !== undefined) b.checkPaths.push(uri) }
    if (w[0] === 'option' && w[1] === 'httpchk' && w.length >= 4) b.checkPaths.push(w[3] as string)
    if (w[0] === 'bind') b.binds.push(Number(/:(\d+)$/.exec(w[1] ?? '')?.[1]))
    if (w[0] === 'timeout' && w[1] === 'server') b.timeoutServerMs = haproxyMs(w[2], Number.NaN)
    if (w[0] === 'default-server' || w[0] === 'server' || w[0] === 'server-template') {
      b.interMs = haproxyMs(opt(w, 'inter'), b.interMs)
      const fall = opt(w, 'fall')
      if (fall !== undefined) b.fall = Number(fall)
    }
  }
  return b
}

/** The compose service that mounts a HAProxy configuration, and that configuration. */
function balancerOf (view: ComposeView): { name: string, service: Obj, lb: Balancer } | undefined {
  for (const [name, s] of Object.entries(view.services)) {
    for (const v of (s as Obj).volumes ?? []) {
      const [source, target] = typeof v === 'string' ? v.split(':') : [v.source, v.target]
      if (target === '/usr/local/etc/haproxy/haproxy.cfg') {
        return { name, service: s as Obj, lb: parseHaproxy(resolve(ROOT, dirname(view.doc.file), source as string)) }
      }
    }
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------- secrets

/** An environment variable's name (UPPER_SNAKE) that says it holds a credential. */
const SECRET_NAME = /^[A-Z][A-Z0-9_]*(KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?)$/
const PLACEHOLDER = /change-?me|placeholder|replace|example|not-a-real|^\$\{[^}]+\}$|^<[^>]+>$/i

/** Why a value looks like a real credential, or undefined when it does not. */
function realLooking (value: string): string | undefined {
  const userinfo = /[a-z][\w+.-]*:\/\/[^/\s:@]*:([^@\s/]+)@/i.exec(value)
  if (userinfo !== null && !PLACEHOLDER.test(userinfo[1] as string)) return 'a URL with a password in it'
  if (/\b(sk|pk|rk|ghp|gho|ghs|github_pat|glpat|xox[abpr])[-_](?=[\w-]*\d)[\w-]{10,}/.test(value) || /\bAKIA[0-9A-Z]{16}\b/.test(value)) {
    return 'a known API key format'
  }
  for (const m of value.matchAll(/[A-Za-z0-9+/=_-]{24,}/g)) {
    const token = m[0]
    if (value.slice(Math.max(0, (m.index ?? 0) - 7), m.index).endsWith('sha256:')) continue
    if (/^[0-9a-f]{32,}$/i.test(token)) return 'a long hexadecimal string'
    if (/[a-z]/.test(token) && /[A-Z]/.test(token) && /\d/.test(token)) return 'a long mixed-case string with digits'
  }
  return undefined
}

function secretProblem (name: string, value: string): string | undefined {
  if (SECRET_NAME.test(name) && value !== '' && !PLACEHOLDER.test(value)) return 'a credential that is not a placeholder'
  return realLooking(value)
}

/** Every string in a parsed document, with the path to it, and the key it is the value of. */
function strings (value: unknown, path: string, key: string, out: Array<{ path: string, key: string, value: string }>): typeof out {
  if (typeof value === 'string') out.push({ path, key, value })
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, key, out))
  else if (isObj(value)) for (const [k, v] of Object.entries(value)) strings(v, path === '' ? k : `${path}.${k}`, k, out)
  return out
}

// ================================================================================================ tests

t.test('every YAML file under deploy/ parses, and each document is a Compose file, a Kubernetes object or a Prometheus rule file', async (t) => {
  t.same(parseErrors, [], 'no YAML errors')
  t.ok(docs.length > 0, 'deploy/ has manifests')
  for (const d of docs) {
    t.ok(composeDocs.includes(d) || k8sDocs.includes(d) || ruleDocs.includes(d), where(d, 'is a Compose file (services:), a Kubernetes object (apiVersion, kind) or a Prometheus rule file (groups:)'))
  }
  t.equal(composes.length, 1, 'one Compose file')
  for (const view of composes) {
    t.ok(view.apps.length > 0, where(view.doc, 'a service runs the image built from the Dockerfile'))
    t.equal(view.engines.length, 1, where(view.doc, `one service runs the engine (command with ${ENGINE_ENTRY})`))
    t.ok(balancerOf(view) !== undefined, where(view.doc, 'a service mounts the HAProxy configuration at /usr/local/etc/haproxy/haproxy.cfg'))
    t.same(view.missingVars, [], where(view.doc, 'every variable it requires (no default) has a value in deploy/.env.example'))
  }
  for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ConfigMap', 'Secret']) {
    t.ok(k8s(kind).length > 0, `deploy/k8s has a ${kind}`)
  }
  t.equal(k8sApps.length, 1, `one Kubernetes container runs the service (image ${IMAGE_NAME})`)
  t.equal(k8sEngines.length, 1, `one Kubernetes container runs the engine (${ENGINE_ENTRY})`)
  for (const d of k8sDocs) {
    t.equal(d.value.metadata?.namespace, undefined, where(d, 'metadata.namespace is unset: the manifests go in whatever namespace they are applied to'))
  }
})

t.test('every variable set for the service is one it reads, and the values are a valid configuration', async (t) => {
  for (const s of composes.flatMap((v) => v.apps)) {
    for (const name of Object.keys(s.env)) t.ok(SERVICE_VARS.has(name), where(s.doc, `${s.field}.environment.${name} is a variable the service reads (src/config.ts)`))
    t.doesNotThrow(() => serviceConfig(s.env), where(s.doc, `${s.field}.environment is a valid configuration`))
    t.notOk(['127.0.0.1', 'localhost', '::1'].includes(s.env.HOST ?? ''), where(s.doc, `${s.field}.environment.HOST is not loopback`))
  }
  for (const c of k8sApps) {
    for (const { name, field } of c.sources) t.ok(SERVICE_VARS.has(name), where(c.doc, `${field}: ${name} is a variable the service reads (src/config.ts)`))
    for (const [name, value] of Object.entries(c.env)) t.not(value, undefined, where(c.doc, `${c.field}: ${name} has a value (its ConfigMap or Secret key is defined)`))
    t.doesNotThrow(() => serviceConfig(c.env), where(c.doc, `${c.field}: its environment is a valid configuration`))
    t.notOk(['127.0.0.1', 'localhost', '::1'].includes(c.env.HOST ?? ''), where(c.doc, `${c.field}: HOST is not loopback`))
  }
})

t.test('every Kubernetes env value is a string, as the API server requires ("3000" quoted)', async (t) => {
  for (const c of k8sContainers) {
    for (const [j, e] of (c.container.env ?? []).entries()) {
      if (e.valueFrom === undefined) t.type(e.value, 'string', where(c.doc, `${c.field}.env[${j}] (${e.name}).value is a string`))
    }
  }
})

t.test('every variable set for the engine is one it reads, and the values are valid', async (t) => {
  t.ok(ENGINE_VARS.has('PORT') && ENGINE_VARS.has('TEXT_API_KEY'), 'the engine\'s variables were recorded')
  for (const s of composes.flatMap((v) => v.engines)) {
    for (const name of Object.keys(s.env)) t.ok(ENGINE_VARS.has(name), where(s.doc, `${s.field}.environment.${name} is a variable the engine reads (src/engine/config.ts)`))
    t.doesNotThrow(() => loadEngineConfig(s.env), where(s.doc, `${s.field}.environment is a valid engine configuration`))
  }
  for (const c of k8sEngines) {
    for (const { name, field } of c.sources) t.ok(ENGINE_VARS.has(name), where(c.doc, `${field}: ${name} is a variable the engine reads (src/engine/config.ts)`))
    for (const [name, value] of Object.entries(c.env)) t.not(value, undefined, where(c.doc, `${c.field}: ${name} has a value (its ConfigMap or Secret key is defined)`))
    t.doesNotThrow(() => loadEngineConfig(c.env as NodeJS.ProcessEnv), where(c.doc, `${c.field}: its environment is a valid engine configuration`))
  }
})

t.test('every ConfigMap and Secret key is read by the containers that load it', async (t) => {
  for (const kind of ['ConfigMap', 'Secret'] as const) {
    for (const d of k8s(kind)) {
      const name = d.value.metadata?.name
      const users = k8sContainers.filter((c) => c.sources.some((s) => s.field.includes(`${kind}/${name} `)) ||
        (c.container.env ?? []).some((e: Obj) => (kind === 'ConfigMap' ? e.valueFrom?.configMapKeyRef : e.valueFrom?.secretKeyRef)?.name === name))
      t.ok(users.length > 0, where(d, 'is used by a container'))
      // The API server refuses a number or a boolean here, as in env values.
      for (const field of ['data', 'stringData']) {
        for (const [k, v] of Object.entries(d.value[field] ?? {})) t.type(v, 'string', where(d, `${field}.${k} is a string`))
      }
      for (const key of Object.keys(configData(kind, name) ?? {})) {
        for (const c of users) {
          const known = isEngineContainer(c) ? ENGINE_VARS : imageName(c.container.image) === IMAGE_NAME ? SERVICE_VARS : undefined
          if (known !== undefined) t.ok(known.has(key), where(d, `key ${key} is a variable ${c.container.name} reads`))
        }
      }
    }
  }
})

interface Probe { where: string, path: string, kind: 'live' | 'ready' }

function probes (): Probe[] {
  const out: Probe[] = []
  for (const c of k8sApps) {
    for (const [name, kind] of [['startupProbe', 'live'], ['livenessProbe', 'live'], ['readinessProbe', 'ready']] as const) {
      // A startup probe is optional; liveness and readiness are not.
      if (name === 'startupProbe' && c.container[name] === undefined) continue
      const path = c.container[name]?.httpGet?.path
      out.push({ where: where(c.doc, `${c.field}.${name}.httpGet.path`), path, kind })
    }
  }
  for (const view of composes) {
    for (const s of view.apps) {
      for (const url of urlsIn(commandLine(s.service.healthcheck?.test))) {
        out.push({ where: where(view.doc, `${s.field}.healthcheck.test`), path: url.pathname, kind: 'ready' })
      }
    }
    const lb = balancerOf(view)?.lb
    for (const path of lb?.checkPaths ?? []) out.push({ where: `${lb?.file}: http-check`, path, kind: 'ready' })
  }
  return out
}

t.test('probe paths are routes the service answers: liveness stays 200 while draining, readiness turns 503', async (t) => {
  const list = probes()
  t.ok(list.some((p) => p.kind === 'live'), 'a liveness probe is declared')
  t.ok(list.some((p) => p.kind === 'ready'), 'a readiness probe is declared')
  for (const p of list) t.type(p.path, 'string', `${p.where} is set`)
  if (list.some((p) => typeof p.path !== 'string')) return
  const app = await buildApp({ env: { TEXT_API_URL: 'http://127.0.0.1:9/text', TEXT_API_KEY: 'k', MAX_EVENT_LOOP_DELAY_MS: 0 } })
  t.teardown(() => app.close())
  const ask = async (p: Probe) => {
    const res = await app.inject({ method: 'GET', url: p.path })
    let body: unknown
    try { body = res.json() } catch {}
    return { status: res.statusCode, type: String(res.headers['content-type']), body }
  }
  for (const p of list) {
    const res = await ask(p)
    t.ok([200, 503].includes(res.status), `${p.where}: GET ${p.path} answers 200 or 503 (got ${res.status})`)
    t.match(res.type, /^application\/json/, `${p.where}: GET ${p.path} answers JSON`)
    t.ok(isObj(res.body), `${p.where}: GET ${p.path} answers a JSON object`)
  }
  // What SIGTERM does first (server.ts): a probe that failed now would restart or unlist a replica that drains.
  app.readiness.drain()
  for (const p of list) {
    const res = await ask(p)
    if (p.kind === 'live') {
      t.equal(res.status, 200, `${p.where}: GET ${p.path} is a liveness check and stays 200 while the service drains`)
    } else {
      t.equal(res.status, 503, `${p.where}: GET ${p.path} is a readiness check and answers 503 while the service drains`)
      t.match(res.body, { status: 'not-ready', reasons: ['draining'] }, `${p.where}: says why`)
    }
  }
})

// Every replica shares the upstream, so an outage opens every replica's circuits together and the
// readiness probe unlists them all. A circuit only moves to half-open when a request arrives, and none
// does while the balancer has no replica: the replicas would stay unlisted after the upstream is back.
// Readiness has to turn ready again once a probe is due (src/plugins/readiness.ts: count a circuit as
// open only while guards[p].probeInMs() > 0).
t.test('readiness returns once the circuits\' probe is due, so an unlisted replica can be probed', async (t) => {
  const app = await buildApp({
    env: {
      TEXT_API_URL: 'http://127.0.0.1:9/text', // nothing listens: every call is refused at once
      TEXT_API_KEY: 'k',
      MAX_EVENT_LOOP_DELAY_MS: 0,
      UPSTREAM_MAX_ATTEMPTS: 1,
      BREAKER_MIN_CALLS: 1,
      BREAKER_WINDOW_MS: 1000,
      BREAKER_HALF_OPEN_AFTER_MS: 200,
    },
  })
  t.teardown(() => app.close())
  for (let i = 0; i < 5 && (await app.readiness.check()).reasons.length === 0; i++) {
    await app.inject({ method: 'POST', url: '/analyze', payload: { text: `Ada Lovelace met Charles Babbage ${i}.` } })
  }
  const open = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(open.statusCode, 503, 'unready while every circuit is open')
  t.match(open.json(), { reasons: ['circuits-open'] }, 'says why')
  await new Promise((resolve) => setTimeout(resolve, 300))
  const due = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(due.statusCode, 200, 'ready again once the probe is due, with no request in between')
})

t.test('the engine\'s health checks reach a port it listens on and a path it answers', async (t) => {
  // A real engine (one thread; the check only needs its routing) behind its real server.
  const engine = TextEngine.start({ workers: 1 })
  t.teardown(() => engine.close())
  const server = createEngineServer({ engine })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  for (const s of composes.flatMap((v) => v.engines)) {
    const port = loadEngineConfig(s.env).port
    const urls = urlsIn(commandLine(s.service.healthcheck?.test))
    t.ok(urls.length > 0, where(s.doc, `${s.field}.healthcheck.test asks the engine over HTTP (the image's own HEALTHCHECK asks /healthz, which the engine does not serve)`))
    for (const url of urls) {
      t.equal(urlPort(url), port, where(s.doc, `${s.field}.healthcheck.test port is the engine's PORT`))
      const expected = Number(/status === (\d{3})/.exec(commandLine(s.service.healthcheck?.test))?.[1] ?? 200)
      const res = await fetch(`${base}${url.pathname}`)
      await res.arrayBuffer()
      t.equal(res.status, expected, where(s.doc, `${s.field}.healthcheck.test: GET ${url.pathname} answers ${expected} as the check expects`))
    }
  }
  for (const c of k8sEngines) {
    const port = loadEngineConfig(c.env as NodeJS.ProcessEnv).port
    for (const name of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const probe = c.container[name]
      if (probe === undefined) continue
      const target = probe.tcpSocket?.port ?? probe.httpGet?.port
      t.equal(containerPort(c.container, target), port, where(c.doc, `${c.field}.${name} port is the engine's PORT`))
      t.equal(probe.httpGet, undefined, where(c.doc, `${c.field}.${name} is a tcpSocket probe (the engine has no health route)`))
    }
  }
})

t.test('container ports, probe ports, Services, the balancer and PORT agree', async (t) => {
  for (const c of k8sApps) {
    const port = serviceConfig(c.env).PORT
    const declared = (c.container.ports ?? []).map((p: Obj) => p.containerPort)
    t.same(declared, [port], where(c.doc, `${c.field}.ports is the one port the service listens on (PORT ${port})`))
    for (const name of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      if (c.container[name] === undefined) continue
      t.equal(containerPort(c.container, c.container[name].httpGet?.port), port, where(c.doc, `${c.field}.${name}.httpGet.port is PORT`))
    }
    const annotated = c.doc.value.spec?.template?.metadata?.annotations?.['prometheus.io/port']
    if (annotated !== undefined) t.equal(Number(annotated), port, where(c.doc, 'spec.template.metadata.annotations prometheus.io/port is PORT'))
    const services = servicesFor(c)
    t.ok(services.length > 0, where(c.doc, 'a Service selects these pods'))
    for (const s of services) {
      for (const [i, p] of (s.value.spec?.ports ?? []).entries()) {
        t.equal(containerPort(c.container, p.targetPort ?? p.port), port, where(s, `spec.ports[${i}].targetPort is the service's PORT`))
      }
    }
  }
  for (const c of k8sEngines) {
    const port = loadEngineConfig(c.env as NodeJS.ProcessEnv).port
    t.same((c.container.ports ?? []).map((p: Obj) => p.containerPort), [port], where(c.doc, `${c.field}.ports is the engine's PORT (${port})`))
  }
  // TEXT_API_URL and REDIS_URL name a Service whose port leads to a container listening there.
  for (const c of k8sApps) {
    const config = serviceConfig(c.env)
    for (const [name, value] of [['TEXT_API_URL', config.TEXT_API_URL], ['REDIS_URL', config.REDIS_URL]] as const) {
      if (value === '') continue
      const url = new URL(value)
      const port = url.port === '' ? (name === 'REDIS_URL' ? 6379 : urlPort(url)) : Number(url.port)
      const service = k8s('Service').find((s) => s.value.metadata?.name === url.hostname)
      if (service === undefined) continue // an address outside these manifests: the real API, a managed Redis
      const sp = (service.value.spec?.ports ?? []).find((p: Obj) => p.port === port)
      t.ok(sp !== undefined, where(service, `spec.ports has ${port}, the port of ${name} (${value})`))
      const backends = k8sContainers.filter((x) => selects(service.value.spec?.selector, x.doc.value.spec?.template?.metadata?.labels))
      t.ok(backends.length > 0, where(service, `spec.selector selects the pods ${name} is meant for`))
      for (const b of backends) {
        t.ok(containerPort(b.container, sp?.targetPort ?? port) !== undefined, where(service, `spec.ports targetPort for ${port} is a port of ${b.container.name}`))
        if (isEngineContainer(b)) {
          t.equal(containerPort(b.container, sp?.targetPort ?? port), loadEngineConfig(b.env as NodeJS.ProcessEnv).port, where(service, `spec.ports targetPort for ${port} is the engine's PORT`))
        }
      }
    }
  }
  for (const view of composes) {
    const engine = view.engines[0]
    for (const s of view.apps) {
      const config = serviceConfig(s.env)
      for (const url of urlsIn(commandLine(s.service.healthcheck?.test))) {
        t.equal(urlPort(url), config.PORT, where(view.doc, `${s.field}.healthcheck.test port is PORT`))
      }
      for (const e of s.service.expose ?? []) t.equal(Number(String(e).split('/')[0]), config.PORT, where(view.doc, `${s.field}.expose is PORT`))
      const upstream = new URL(config.TEXT_API_URL)
      t.equal(upstream.hostname, engine?.name, where(view.doc, `${s.field}.environment.TEXT_API_URL names the engine service (${engine?.name})`))
      if (engine !== undefined) {
        t.equal(urlPort(upstream), loadEngineConfig(engine.env).port, where(view.doc, `${s.field}.environment.TEXT_API_URL port is ${engine.field}.environment.PORT`))
      }
      if (config.REDIS_URL !== '') {
        t.ok(new URL(config.REDIS_URL).hostname in view.services, where(view.doc, `${s.field}.environment.REDIS_URL names a service of this file`))
      }
    }
    const balancer = balancerOf(view)
    if (balancer === undefined) continue
    const { lb } = balancer
    t.ok(lb.servers.length > 0, `${lb.file}: a backend lists the replicas`)
    for (const server of lb.servers) {
      const app = view.apps.find((s) => s.name === server.host)
      t.ok(app !== undefined, `${lb.file}: "${server.line}" names a service that runs the image`)
      if (app === undefined) continue
      t.equal(server.port, serviceConfig(app.env).PORT, `${lb.file}: "${server.line}" port is ${app.field}.environment.PORT`)
      const replicas = Number(app.service.deploy?.replicas ?? 1)
      t.ok(server.slots >= replicas, `${lb.file}: "${server.line}" has a slot for each of the ${replicas} replicas (deploy.replicas)`)
    }
    for (const [i, p] of (balancer.service.ports ?? []).entries()) {
      const target = Number(typeof p === 'string' ? p.split(':').at(-1)?.split('/')[0] : p.target)
      t.ok(lb.binds.includes(target), where(view.doc, `services.${balancer.name}.ports[${i}] publishes a port HAProxy binds (${lb.binds.join(', ')})`))
    }
  }
})

t.test('shutdown fits in the orchestrator\'s grace period, and the drain outlasts the balancer\'s checks', async (t) => {
  for (const c of k8sApps) {
    const config = serviceConfig(c.env)
    const preStop = preStopSleepMs(c.container)
    const total = preStop + config.SHUTDOWN_DELAY_MS + config.SHUTDOWN_GRACE_MS
    const grace = c.pod.terminationGracePeriodSeconds ?? 30
    t.ok(grace * 1000 > total, where(c.doc, `spec.template.spec.terminationGracePeriodSeconds (${grace} s) is above preStop (${preStop} ms) + SHUTDOWN_DELAY_MS (${config.SHUTDOWN_DELAY_MS}) + SHUTDOWN_GRACE_MS (${config.SHUTDOWN_GRACE_MS})`))
    t.ok(preStop + config.SHUTDOWN_DELAY_MS >= 3000, where(c.doc, `${c.field}: SHUTDOWN_DELAY_MS or a preStop sleep keeps serving at least 3 s while the endpoint is removed (${preStop + config.SHUTDOWN_DELAY_MS} ms)`))
    t.ok(config.SHUTDOWN_GRACE_MS >= config.REQUEST_TIMEOUT_MS, where(c.doc, `${c.field}: SHUTDOWN_GRACE_MS (${config.SHUTDOWN_GRACE_MS}) lets a request accepted last reach its deadline (REQUEST_TIMEOUT_MS ${config.REQUEST_TIMEOUT_MS})`))
    for (const hpa of k8s('HorizontalPodAutoscaler').filter((h) => h.value.spec?.scaleTargetRef?.name === c.doc.value.metadata?.name)) {
      const max = hpa.value.spec?.maxReplicas
      t.ok(max * fallbackConcurrency(config) <= config.UPSTREAM_CONCURRENCY,
        where(hpa, `spec.maxReplicas (${max}) x UPSTREAM_FALLBACK_CONCURRENCY (${fallbackConcurrency(config)}) stays within UPSTREAM_CONCURRENCY (${config.UPSTREAM_CONCURRENCY}) while Redis is down`))
    }
  }
  for (const view of composes) {
    const balancer = balancerOf(view)
    for (const s of view.apps) {
      const config = serviceConfig(s.env)
      const stop = durationMs(s.service.stop_grace_period ?? '10s')
      t.ok(stop > config.SHUTDOWN_DELAY_MS + config.SHUTDOWN_GRACE_MS, where(view.doc, `${s.field}.stop_grace_period (${stop} ms) is above SHUTDOWN_DELAY_MS (${config.SHUTDOWN_DELAY_MS}) + SHUTDOWN_GRACE_MS (${config.SHUTDOWN_GRACE_MS})`))
      t.ok(config.SHUTDOWN_GRACE_MS >= config.REQUEST_TIMEOUT_MS, where(view.doc, `${s.field}: SHUTDOWN_GRACE_MS lets a request accepted last reach its deadline`))
      const replicas = Number(s.service.deploy?.replicas ?? 1)
      t.ok(replicas * fallbackConcurrency(config) <= config.UPSTREAM_CONCURRENCY, where(view.doc, `${s.field}: ${replicas} replicas x UPSTREAM_FALLBACK_CONCURRENCY stays within UPSTREAM_CONCURRENCY while Redis is down`))
      if (balancer === undefined) continue
      const { lb } = balancer
      t.ok(lb.interMs * lb.fall < config.SHUTDOWN_DELAY_MS, `${lb.file}: inter x fall (${lb.interMs * lb.fall} ms) takes a draining replica out before ${s.field}'s SHUTDOWN_DELAY_MS (${config.SHUTDOWN_DELAY_MS}) ends`)
      t.ok(lb.timeoutServerMs > config.REQUEST_TIMEOUT_MS, `${lb.file}: timeout server (${lb.timeoutServerMs} ms) outlasts ${s.field}'s REQUEST_TIMEOUT_MS (${config.REQUEST_TIMEOUT_MS})`)
    }
  }
})

t.test('containers run as non-root users without privileges; the service as the image\'s uid 1000', async (t) => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
  t.match([...dockerfile.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1], /^(node|1000)$/, 'Dockerfile: the image runs as node, uid 1000 in the official Node images')
  for (const c of k8sContainers) {
    const pod = c.pod.securityContext ?? {}
    const own = c.container.securityContext ?? {}
    const eff = (k: string) => own[k] ?? pod[k]
    const f = `${c.field}.securityContext`
    t.equal(eff('runAsNonRoot'), true, where(c.doc, `${f}.runAsNonRoot (or the pod's) is true`))
    t.not(eff('runAsUser'), 0, where(c.doc, `${f}.runAsUser is not root`))
    t.equal(own.allowPrivilegeEscalation, false, where(c.doc, `${f}.allowPrivilegeEscalation is false`))
    t.ok((own.capabilities?.drop ?? []).includes('ALL'), where(c.doc, `${f}.capabilities.drop has ALL`))
    t.notOk(own.privileged, where(c.doc, `${f}.privileged is unset`))
    t.equal((own.seccompProfile ?? pod.seccompProfile)?.type, 'RuntimeDefault', where(c.doc, `${f}.seccompProfile (or the pod's) is RuntimeDefault`))
    t.equal(own.readOnlyRootFilesystem, true, where(c.doc, `${f}.readOnlyRootFilesystem is true`))
    if (imageName(c.container.image) === IMAGE_NAME) {
      t.equal(eff('runAsUser'), 1000, where(c.doc, `${f}.runAsUser (or the pod's) is 1000, the image's node user`))
      t.equal(eff('runAsGroup'), 1000, where(c.doc, `${f}.runAsGroup (or the pod's) is 1000`))
    }
  }
  for (const view of composes) {
    for (const s of [...view.apps, ...view.engines]) {
      if (s.service.user !== undefined) t.match(String(s.service.user), /^(node|1000)(:1000)?$/, where(view.doc, `${s.field}.user is the image's node user`))
      t.equal(s.service.read_only, true, where(view.doc, `${s.field}.read_only is true`))
      t.ok((s.service.cap_drop ?? []).includes('ALL'), where(view.doc, `${s.field}.cap_drop has ALL`))
      t.ok((s.service.security_opt ?? []).some((o: string) => /^no-new-privileges(:true)?$/.test(o)), where(view.doc, `${s.field}.security_opt has no-new-privileges`))
      t.notOk(s.service.privileged, where(view.doc, `${s.field}.privileged is unset`))
    }
  }
})

t.test('the secret detector flags real-looking values and passes placeholders', async (t) => {
  for (const [name, value] of [['TEXT_API_KEY', 'a1b2c3'], ['X', 'sk-live-4f9a8b7c6d5e4f3a'], ['X', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    ['X', 'Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MA'], ['REDIS_URL', 'redis://default:hunter2hunter2@cache:6379/0']]) {
    t.not(secretProblem(name as string, value as string), undefined, `${name}=${value} is flagged`)
  }
  // eslint-disable-next-line no-template-curly-in-string -- Compose's interpolation, not a template literal
  for (const [name, value] of [['TEXT_API_KEY', 'change-me'], ['TEXT_API_KEY', ''], ['TEXT_API_KEY', '${TEXT_API_KEY:?set it}'],
    ['image', 'node@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'], ['REDIS_URL', 'redis://text-bff-redis:6379/0'],
    ['REDIS_URL', 'rediss://user:<password>@host:6380/0']]) {
    t.equal(secretProblem(name as string, value as string), undefined, `${name}=${value} passes`)
  }
})

t.test('no manifest holds a real-looking secret', async (t) => {
  for (const d of docs) {
    // Secret data is base64: decode it before looking.
    const value = d.value.kind === 'Secret' ? { ...d.value, data: configData('Secret', d.value.metadata?.name) } : d.value
    for (const s of strings(value, '', '', [])) {
      const problem = secretProblem(s.key, s.value)
      t.equal(problem, undefined, where(d, `${s.path} holds no real-looking secret${problem === undefined ? '' : ` (it holds ${problem})`}`))
      // `environment: [KEY=value]` and `env` lists: the name is in the string or a sibling field.
      const kv = /^([A-Za-z_]\w*)=(.*)$/.exec(s.value)
      if (kv !== null) t.equal(secretProblem(kv[1] as string, kv[2] as string), undefined, where(d, `${s.path} sets ${kv[1]} to no real credential`))
    }
    for (const c of containersOf(d)) {
      for (const e of c.container.env ?? []) {
        if (typeof e.value === 'string') t.equal(secretProblem(e.name, e.value), undefined, where(d, `${c.field}.env ${e.name} holds no credential (a real one belongs in a Secret)`))
      }
    }
  }
  // Everything else under deploy/: HAProxy's configuration, .env.example, the README.
  const others = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? others(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [] : [join(dir, e.name)])
  for (const path of others(DEPLOY)) {
    for (const [i, line] of readFileSync(path, 'utf8').split('\n').entries()) {
      const kv = /^\s*([A-Za-z_]\w*)\s*=\s*(.*?)\s*$/.exec(line)
      const problem = kv === null ? realLooking(line) : secretProblem(kv[1] as string, kv[2] as string)
      t.equal(problem, undefined, `${relative(ROOT, path)}:${i + 1} holds no real-looking secret${problem === undefined ? '' : ` (it holds ${problem})`}`)
    }
  }
})

t.test('the HPA and the PDB govern the service\'s Deployment', async (t) => {
  const deployment = k8sApps[0]?.doc
  const name = deployment?.value.metadata?.name
  const labels = deployment?.value.spec?.template?.metadata?.labels
  for (const hpa of k8s('HorizontalPodAutoscaler')) {
    t.match(hpa.value.spec?.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name }, where(hpa, `spec.scaleTargetRef is Deployment/${name}`))
    t.ok(hpa.value.spec?.minReplicas >= 3, where(hpa, 'spec.minReplicas keeps at least three replicas'))
    t.ok(hpa.value.spec?.metrics?.some((m: Obj) => m.resource?.name === 'cpu'), where(hpa, 'spec.metrics scales on CPU'))
  }
  for (const pdb of k8s('PodDisruptionBudget')) {
    t.ok(selects(pdb.value.spec?.selector, labels), where(pdb, `spec.selector selects Deployment/${name}'s pods`))
    const { maxUnavailable, minAvailable } = pdb.value.spec ?? {}
    t.ok(maxUnavailable === 1 || (typeof minAvailable === 'number' && minAvailable >= 1), where(pdb, 'spec.maxUnavailable is 1 (or minAvailable keeps one)'))
  }
  // Requests place the pods and are what the HPA's CPU utilisation is a share of; a memory limit bounds a leak.
  const resources = k8sApps[0]?.container.resources ?? {}
  for (const field of ['requests.cpu', 'requests.memory', 'limits.memory']) {
    const [a, b] = field.split('.') as [string, string]
    t.ok(resources[a]?.[b] !== undefined, where(deployment as Doc, `resources.${field} is set`))
  }
})
