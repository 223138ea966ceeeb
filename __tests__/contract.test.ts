/** action.yml, the input reader, the schema and the README describe one contract. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
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

describe('the contract users read', () => {
  it('action.yml declares exactly the inputs the action reads, in the same order', () => {
    expect([...declaredInputs().keys()]).toEqual([...INPUT_NAMES])
  })

  it("action.yml's defaults are the schema's defaults", () => {
    const parsed = parseAll(settingsSchema(new Date(), 'https://github.com', 'issues'), { 'dry-run': 'true' }) as Record<string, unknown>
    for (const [name, value] of declaredInputs()) {
      if (name === 'github-token' || name === 'dry-run') continue
      expect([name, value === undefined ? undefined : String(parsed[name])]).toEqual([name, value === undefined ? undefined : value])
    }
  })

  it('declares the outputs the action sets and runs on node24 from dist', () => {
    expect(actionYml).toMatch(/^outputs:\n {2}incident_id:\n[\s\S]*^ {2}payload:\n/m)
    expect(actionYml).toMatch(/^runs:\n {2}using: node24\n {2}main: dist\/index\.js$/m)
  })

  it('the README documents every input and output', () => {
    for (const name of [...INPUT_NAMES, 'incident_id', 'payload']) expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'))
  })
})
