/**
 * undici left out of the bundle (issue 18): src/undici-stub.cjs takes its place (tsconfig.json's
 * "paths"), so the built action neither carries undici's 440 KB nor evaluates undici, on any run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ACTION, minutesAgo, runAction, RunOptions, Server, TOKEN, useHivel } from '../__fixtures__/action.js'
import { selfSignedCertificate, startConnectProxy, startTlsFront } from '../__fixtures__/faults.js'
import { REPO, SHA } from '../__fixtures__/github.js'
import { GITHUB_TOKEN, startHistory } from '../__fixtures__/history.js'
import { RUNNER_NODE } from '../__fixtures__/nodes.js'

const require = createRequire(import.meta.url)
const stub = require('../src/undici-stub.cjs') as Record<string, unknown>

/** The file the bundle takes from node_modules that imports undici. */
const IMPORTER = '@actions/http-client/lib/index.js'

/** A file of node_modules (read by path: package exports hide these subpaths from require.resolve). */
const moduleText = (file: string) => readFileSync(new URL(`../node_modules/${file}`, import.meta.url), 'utf8')

/** The names a file imports from undici, ESM or CommonJS. */
function namesImported(file: string): string[] {
  const text = moduleText(file)
  const esm = [...text.matchAll(/import\s*{([^}]*)}\s*from\s*['"]undici['"]/g)].flatMap(m =>
    m[1].split(',').map(n => n.trim().split(/\s+as\s+/)[0])
  )
  const cjs = [...text.matchAll(/undici_1\.(\w+)/g)].map(m => m[1])
  return [...new Set([...esm, ...cjs].filter(Boolean))]
}

/** Uses an export as the importer would: a class is constructed, a function called. */
const use = (value: unknown) => {
  const f = value as new (options: object) => unknown
  return /^class\b/.test(Function.prototype.toString.call(f))
    ? new f({ uri: 'http://127.0.0.1:3128' })
    : (f as unknown as (o: object) => unknown)({})
}

describe('the undici stub (src/undici-stub.cjs)', () => {
  const names = namesImported(IMPORTER)

  it(`exports every name ${IMPORTER} imports from undici`, () => {
    expect(names).toContain('ProxyAgent')
    for (const name of names) expect({ name, type: typeof stub[name] }).toEqual({ name, type: 'function' })
  })

  it('fails at once, naming itself and node:http, when any of them is used', () => {
    for (const name of names)
      expect(() => use(stub[name])).toThrow('undici is not bundled (src/undici-stub.cjs): the action makes its requests over node:http')
  })
})

describe('dist/index.js carries no undici', () => {
  const bundle = readFileSync(ACTION, 'utf8')
  // Each marker is undici's own (checked in node_modules): its HTTP parser, its WebAssembly, its global dispatcher.
  it.each([
    ['llhttp', 'undici/lib/dispatcher/client-h1.js'],
    ['AGFzbQ', 'undici/lib/llhttp/llhttp-wasm.js'],
    ['undici.globalDispatcher.1', 'undici/lib/global.js']
  ])('no %s (from %s)', (marker, source) => {
    expect(moduleText(source)).toContain(marker)
    expect(bundle).not.toContain(marker)
  })

  it('is one file, well under the 661 KB it was with undici', () => {
    const dist = join(ACTION, '..')
    expect(readdirSync(dist).filter(f => f.endsWith('.js'))).toEqual(['index.js'])
    expect(statSync(ACTION).size).toBeLessThan(400 * 1000)
  })
})

const PROBE = new URL('../__fixtures__/undici-probe.mjs', import.meta.url).href

/** Runs `start` with the probe preloaded (through the environment it is given): whether undici was evaluated by exit. */
async function undiciEvaluated(start: (env: Record<string, string>) => Promise<void>): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'undici-probe-'))
  try {
    const file = join(dir, 'evaluated')
    await start({ NODE_OPTIONS: `--import ${JSON.stringify(PROBE)}`, UNDICI_PROBE_FILE: file })
    return readFileSync(file, 'utf8') === 'true'
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Runs the built action under Node 24 with the probe; it must succeed. */
const actionEvaluates = (options: RunOptions) =>
  undiciEvaluated(async probe => {
    const result = await runAction({ node: RUNNER_NODE, timeoutMs: 30_000, ...options, env: { ...options.env, ...probe } })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
  })

describe('the built action never evaluates undici', () => {
  const hivelServer = useHivel()
  // The pull request is left for the GitHub API to find.
  const inputs = { severity: 'high', 'reported-time': minutesAgo(45), 'github-token': GITHUB_TOKEN }

  it('the probe sees undici evaluated when a script calls the global fetch (Node 24)', async () => {
    const evaluated = await undiciEvaluated(async probe => {
      const script = `const r = await fetch(${JSON.stringify(`${hivelServer.url}/api/hooks/v1/incident`)}); await r.text()`
      await promisify(execFile)(RUNNER_NODE, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, ...probe } })
    })
    expect(hivelServer.requests).toHaveLength(1)
    expect(evaluated).toBe(true)
  })

  it('a push that looks up its pull request, files, and records it in the ledger', async () => {
    const github = await startHistory({ pulls: { [SHA]: 44 } })
    try {
      const evaluated = await actionEvaluates({
        eventName: 'push',
        env: { GITHUB_API_URL: github.url },
        inputs: { ...inputs, 'api-token': TOKEN, 'base-url': hivelServer.url }
      })
      expect(github.asked()).toContain(`GET /repos/${REPO}/commits/${SHA}/pulls`)
      expect(github.asked()).toContain(`POST /repos/${REPO}/git/refs`)
      expect(hivelServer.requests.map(r => r.json?.pr_number)).toEqual(['44'])
      expect(evaluated).toBe(false)
    } finally {
      await github.close()
    }
  })

  describe('through HTTPS_PROXY', () => {
    const certificate = selfSignedCertificate('api.github.test')
    let github: Server
    let front: Awaited<ReturnType<typeof startTlsFront>>
    let proxy: Awaited<ReturnType<typeof startConnectProxy>>
    beforeAll(async () => {
      github = await startHistory({ pulls: { [SHA]: 44 } })
      front = await startTlsFront(certificate, github.port)
      proxy = await startConnectProxy({ 'api.github.test:443': front.port })
    })
    afterAll(async () => {
      await Promise.all([proxy.close(), front.close(), github.close()])
      certificate.remove()
    })

    it('a dry run that looks up its pull request over a CONNECT tunnel', async () => {
      const evaluated = await actionEvaluates({
        eventName: 'push',
        env: { GITHUB_API_URL: 'https://api.github.test', HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: certificate.certPath },
        inputs: { ...inputs, description: 'Checkout down', 'dry-run': 'true', record: 'false' }
      })
      expect(proxy.heads).toEqual([expect.stringMatching(/^CONNECT api\.github\.test:443 /)])
      expect(github.requests.map(r => `${r.method} ${r.url.split('?')[0]} ${r.headers.host}`)).toEqual([
        `GET /repos/${REPO}/commits/${SHA}/pulls api.github.test`
      ])
      expect(evaluated).toBe(false)
    })
  })
})
