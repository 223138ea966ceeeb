/**
 * The undici stand-in (src/lazy-undici.cjs, which tsconfig.json's "paths" puts in undici's place in
 * the bundle): it must offer every name the bundled packages take from undici, and the built action
 * must not evaluate undici on a run that never uses it.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { githubApi, hivel, minutesAgo, runAction, RunOptions, startServer, TOKEN } from '../__fixtures__/action.js'
import { pull, REPO, SHA } from '../__fixtures__/github.js'
import { RUNNER_NODE } from '../__fixtures__/nodes.js'

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

const PROBE = new URL('../__fixtures__/undici-probe.mjs', import.meta.url).href

/** Runs dist/index.js with the probe preloaded: whether undici was evaluated by the time the step exited. */
async function undiciEvaluated(options: RunOptions): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'undici-probe-'))
  try {
    const file = join(dir, 'evaluated')
    const result = await runAction({
      node: RUNNER_NODE,
      ...options,
      env: { ...options.env, NODE_OPTIONS: `--import ${JSON.stringify(PROBE)}`, UNDICI_PROBE_FILE: file }
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    return readFileSync(file, 'utf8') === 'true'
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// record: false, so that only the incident's own fields could ask GitHub: the ledger always does.
const given = { severity: 'high', 'reported-time': minutesAgo(45), 'pr-number': '44', record: 'false' }

// Evaluating undici costs about a third of a dry run's start-up (35 of 90 ms under Node 24).
describe('the built action evaluates undici only when it asks the GitHub API (dist/index.js)', () => {
  it('a dry run with every input given does not evaluate it', async () => {
    expect(await undiciEvaluated({ inputs: { ...given, 'dry-run': 'true' } })).toBe(false)
  })

  it('filing an incident without the ledger does not evaluate it', async () => {
    const server = await startServer(hivel)
    try {
      expect(await undiciEvaluated({ inputs: { ...given, 'api-token': TOKEN, 'base-url': server.url } })).toBe(false)
      expect(server.requests).toHaveLength(1)
    } finally {
      await server.close()
    }
  })

  // The probe's own check: Octokit's fetch is undici, so a run that asks GitHub must be seen.
  it('a run that asks the GitHub API for the pull request does', async () => {
    const github = await startServer(
      githubApi({ [`/repos/${REPO}/commits/${SHA}/pulls`]: [pull(44, { merged_at: minutesAgo(60), merge_commit_sha: SHA })] })
    )
    try {
      const { 'pr-number': _, ...rest } = given
      const evaluated = await undiciEvaluated({
        eventName: 'push',
        env: { GITHUB_API_URL: github.url },
        inputs: { ...rest, 'dry-run': 'true', 'github-token': 'ghs_standIn' }
      })
      expect(github.requests.map(r => r.url.split('?')[0])).toContain(`/repos/${REPO}/commits/${SHA}/pulls`)
      expect(evaluated).toBe(true)
    } finally {
      await github.close()
    }
  })
})
