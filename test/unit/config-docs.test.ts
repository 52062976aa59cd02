// Every variable the service reads is documented: a row in the README's table and an entry in .env.example.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { configSchema, logConfigSchema } from '../../src/config.js'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
const names = [...Object.keys(logConfigSchema.properties), ...Object.keys(configSchema.properties)]

t.test('each variable has a README row and an .env.example line', async (t) => {
  t.ok(names.length > 40)
  for (const name of names) {
    t.match(readme, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `${name} in the README's configuration table`)
    t.match(example, new RegExp(`^#? ?${name}=`, 'm'), `${name} in .env.example`)
  }
})
