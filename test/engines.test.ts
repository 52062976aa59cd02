// Every package `npm ci` installs supports the Nodes the README promises: the oldest package.json allows and the one running.
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import semver from 'semver'
import t from 'tap'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string, engines?: { node?: string } | string[] }>
}

t.test('every locked package declares support for the oldest Node package.json allows and for this one', async (t) => {
  const oldest = semver.minVersion(manifest.engines.node)
  t.ok(oldest, `package.json's engines.node (${manifest.engines.node}) has a lowest version`)
  const nodes = [oldest!.version, process.versions.node]
  const refused: string[] = []
  let declared = 0
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Old packages may still carry engines as an array of strings; npm ignores that form, and so does this.
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node
    if (path === '' || range === undefined) continue
    declared++
    for (const node of nodes) {
      if (!semver.satisfies(node, range)) refused.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range}, not ${node}`)
    }
  }
  // The lockfile records engines (lockfileVersion 2 and later): an empty scan would prove nothing.
  t.ok(declared > 100, `${declared} locked packages declare a Node range`)
  t.same(refused, [], 'no locked package refuses a supported Node (npm would warn EBADENGINE)')
})
