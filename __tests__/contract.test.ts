/** action.yml, the input reader, the schema, the README and package.json describe one contract. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { INPUT_NAMES } from '../src/inputs.js'
import { parseAll, settingsSchema } from '../src/schema.js'

const actionYml = readFileSync(new URL('../action.yml', import.meta.url), 'utf8')
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** Each input's name and default, read from action.yml's two-space-indented keys. */
function declaredInputs(): Map<string, string | undefined> {
  const block = actionYml.split(/^inputs:\n/m)[1].split(/^\S/m)[0]
  const inputs = new Map<string, string | undefined>()
  let current = ''
  for (const line of block.split('\n')) {
    const name = /^ {2}([a-z-]+):\s*$/.exec(line)?.[1]
    if (name) inputs.set((current = name), undefined)
    const value = /^ {4}default:\s*'?([^']*)'?\s*$/.exec(line)?.[1]
    if (value !== undefined) inputs.set(current, value)
  }
  return inputs
}

/** A parsed setting as action.yml writes it: look-back keeps the text it was read from. */
const shown = (value: unknown) => (typeof value === 'object' && value !== null && 'text' in value ? String(value.text) : String(value))

describe('the contract users read', () => {
  it('action.yml declares exactly the inputs the action reads, in the same order', () => {
    expect([...declaredInputs().keys()]).toEqual([...INPUT_NAMES])
  })

  it("action.yml's defaults are the schema's defaults", () => {
    const parsed = parseAll(settingsSchema(new Date(), 'https://github.com', 'issues'), { 'dry-run': 'true' }) as Record<string, unknown>
    for (const [name, value] of declaredInputs()) {
      if (name === 'github-token' || name === 'dry-run') continue
      expect([name, value === undefined ? undefined : shown(parsed[name])]).toEqual([name, value === undefined ? undefined : value])
    }
  })

  it('declares the outputs the action sets and runs on node24 from dist', () => {
    expect(actionYml).toMatch(/^outputs:\n {2}incident_id:\n[\s\S]*^ {2}payload:\n/m)
    expect(actionYml).toMatch(/^runs:\n {2}using: node24\n {2}main: dist\/index\.js$/m)
  })

  it('the README documents every input and output', () => {
    for (const name of [...INPUT_NAMES, 'incident_id', 'payload']) expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'))
  })

  it("the README's inputs table lists the inputs in action.yml's order, each with action.yml's default", () => {
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| ([^|]*) \|/gm)].filter(m => (INPUT_NAMES as readonly string[]).includes(m[1]))
    expect(rows.map(m => m[1])).toEqual([...INPUT_NAMES])
    for (const [name, value] of declaredInputs()) {
      if (value === undefined || value.includes('${{')) continue
      expect([name, rows.find(m => m[1] === name)?.[2]]).toEqual([name, expect.stringContaining(`\`${value}\``)])
    }
  })
})

describe('the Node versions development needs', () => {
  // semver comes with npm's own tool chain (jest, babel); only its satisfies() is used.
  const semver = createRequire(import.meta.url)('semver') as { satisfies: (version: string, range: string) => boolean }
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as {
    packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>
  }
  // Every installed package's declared range; optional ones are platform binaries npm skips elsewhere.
  const ranges = Object.entries(lock.packages).flatMap(([path, entry]) =>
    path && !entry.optional && !Array.isArray(entry.engines) && entry.engines?.node ? [[path, entry.engines.node] as const] : []
  )
  // Each version a range names, and the first and a late release of every major: where acceptance can change.
  const probes = [
    ...new Set([
      ...ranges.flatMap(([, range]) =>
        [...range.matchAll(/\d+(\.\d+){0,2}/g)].map(m => [...m[0].split('.'), '0', '0'].slice(0, 3).join('.'))
      ),
      ...Array.from({ length: 20 }, (_, i) => [`${i + 14}.0.0`, `${i + 14}.99.0`]).flat()
    ])
  ]

  it("package.json's engines accept only versions every locked dependency accepts, so npm ci warns on none of them", () => {
    const accepted = probes.filter(version => semver.satisfies(version, pkg.engines.node))
    expect(accepted).toContain('24.0.0')
    const refused = accepted.flatMap(version =>
      ranges.filter(([, range]) => !semver.satisfies(version, range)).map(([path, range]) => `${version}: ${path} needs ${range}`)
    )
    expect(refused).toEqual([])
  })

  it('the README names the lowest version of each major engines accepts, and no other', () => {
    const lowest = [...pkg.engines.node.matchAll(/\^(\d+)(?:\.(\d+))?/g)].map(m =>
      m[2] && m[2] !== '0' ? `Node ${m[1]}.${m[2]}` : `Node ${m[1]}`
    )
    for (const version of lowest) expect(readme).toContain(version)
    expect(readme).not.toMatch(/Node 2[01]\b/)
  })
})
