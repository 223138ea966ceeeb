import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const standIn = require('../src/lazy-undici.cjs') as Record<string, unknown>

// Every file the bundle takes from node_modules that imports undici: the stand-in must have each name they use.
const importers = [
  '@actions/http-client/lib/index.js',
  '@actions/github/lib/internal/utils.js',
  '@actions/github/node_modules/@actions/http-client/lib/index.js'
]

function namesUsed(file: string): string[] {
  const text = readFileSync(new URL(`../node_modules/${file}`, import.meta.url), 'utf8')
  const esm = [...text.matchAll(/import\s*{([^}]*)}\s*from\s*['"]undici['"]/g)].flatMap(m =>
    m[1].split(',').map(n => n.trim().split(/\s+as\s+/)[0])
  )
  const cjs = [...text.matchAll(/undici_1\.(\w+)/g)].map(m => m[1])
  return [...esm, ...cjs].filter(Boolean)
}

describe('the undici stand-in the bundle uses (src/lazy-undici.cjs)', () => {
  it.each(importers)('exports every name %s takes from undici', file => {
    const names = namesUsed(file)
    expect(names.length).toBeGreaterThan(0)
    for (const name of names) expect(typeof standIn[name]).toBe('function')
  })

  it('hands out the real ProxyAgent', () => {
    const Real = (require('undici') as { ProxyAgent: new (o: { uri: string }) => object }).ProxyAgent
    const ProxyAgent = standIn.ProxyAgent as new (o: { uri: string }) => object
    expect(new ProxyAgent({ uri: 'http://127.0.0.1:3128' })).toBeInstanceOf(Real)
  })
})
