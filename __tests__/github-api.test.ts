/** GitHubApi in-process against a stand-in GitHub API on 127.0.0.1, with pacing injected so waits are instant. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import type { ServerResponse } from 'node:http'
import { githubApi, Received, Server, startServer } from '../__fixtures__/action.js'
import { wallBound } from '../__fixtures__/bounds.js'
import * as core from '../__fixtures__/core.js'
import { huge, resetDuringBody } from '../__fixtures__/faults.js'

// The client's log (each request's ::debug:: line, each wait) is calls here, asserted where it matters, not console noise.
jest.unstable_mockModule('@actions/core', () => core)
const { GITHUB_BODY_LIMIT, GitHubApi, MissingTokenError, RateLimitError } = await import('../src/github-api.js')
type GitHubApi = import('../src/github-api.js').GitHubApi
type Pacing = import('../src/github-api.js').Pacing

const repo = { owner: 'acme', repo: 'shop' }
const R = '/repos/acme/shop'
let routes: Parameters<typeof githubApi>[0] = {}
/**
 * One scripted answer: [status, body (a string is sent as it is, anything else as JSON), headers];
 * or a connection dropped without an answer, a request never answered, a 40 MB body, or a 200
 * whose body the connection drops halfway.
 */
type Step = [number, unknown, Record<string, string>?] | 'reset' | 'silent' | 'huge' | 'cut'
/** Each path's next answers, in turn; once they are used up the path falls back to routes. */
let scripted: Record<string, Step[]> = {}
let server: Server

function answer(step: Step, req: Received, res: ServerResponse, n: number): void {
  if (step === 'silent') return
  if (step === 'reset') return void res.socket?.destroy()
  if (step === 'huge') return void huge(200, 40)(req, res, n)
  if (step === 'cut') return void resetDuringBody(200, '[{"number":')(req, res, n)
  const [status, body, headers = {}] = step
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body))
}

beforeAll(async () => {
  server = await startServer((req, res, n) => {
    const next = scripted[req.url.split('?')[0]]?.shift()
    return next ? answer(next, req, res, n) : githubApi(routes)(req, res, n)
  })
})
afterAll(() => server.close())
// Each test sets up the answers it needs, so any one of them runs alone (jest -t) or in any order.
beforeEach(() => {
  routes = {}
  scripted = {}
  server.requests.length = 0
  core.reset()
})

/** Pacing whose waits are recorded, not waited; the clock stands still unless a test moves it. */
function instant(maxWaitSeconds = 60, now = 1_000_000_000_000): Pacing & { sleeps: number[] } {
  const sleeps: number[] = []
  return { sleeps, maxWaitSeconds, now: () => now, random: () => 0.5, sleep: async ms => void sleeps.push(ms) }
}

/** A client of the stand-in (or of GITHUB_API_URL apiUrl under it) that waits for nothing. */
const client = (pacing = instant(), { timeoutSeconds = 30, apiUrl = server.url } = {}) =>
  new GitHubApi('ghs_t', repo, timeoutSeconds, pacing, apiUrl)

/** The requests the stand-in received, as "GET /path" (query left off). */
const asked = () => server.requests.map(r => `${r.method} ${r.url.split('?')[0]}`)

const job = (name: string, conclusion: string | null) => ({
  name,
  conclusion,
  started_at: '2026-11-26T08:00:00Z',
  completed_at: '2026-11-26T08:05:00Z'
})

describe('github-api.ts: asking GitHub for defaults', () => {
  it('prefers the pull request whose merge produced the commit, then a merged one, then any', async () => {
    const api = client()
    routes[`${R}/commits/c1/pulls`] = [
      { number: 1, merged_at: null, merge_commit_sha: 'x' },
      { number: 2, merged_at: '2026-11-26T08:00:00Z', merge_commit_sha: 'other' },
      { number: 3, merged_at: '2026-11-26T08:00:00Z', merge_commit_sha: 'c1' }
    ]
    routes[`${R}/commits/c2/pulls`] = [
      { number: 1, merged_at: null },
      { number: 2, merged_at: '2026-11-26T08:00:00Z' }
    ]
    routes[`${R}/commits/c3/pulls`] = [{ number: 9, merged_at: null }]
    routes[`${R}/commits/c4/pulls`] = []
    expect(await api.pullRequestForCommit('c1')).toBe(3)
    expect(await api.pullRequestForCommit('c2')).toBe(2)
    expect(await api.pullRequestForCommit('c3')).toBe(9)
    expect(await api.pullRequestForCommit('c4')).toBeUndefined()
    expect(server.requests.every(r => r.headers.authorization === 'token ghs_t')).toBe(true)
  })

  it('lists the jobs of a run attempt and reads when the attempt started', async () => {
    const api = client()
    routes[`${R}/actions/runs/7/attempts/2/jobs`] = { total_count: 2, jobs: [job('build', 'success'), job('deploy', 'failure')] }
    routes[`${R}/actions/runs/7/attempts/2`] = { run_started_at: '2026-11-26T07:59:00Z', created_at: '2026-11-26T07:58:00Z' }
    expect((await api.jobs(7, 2)).map(j => j.name)).toEqual(['build', 'deploy'])
    expect((await api.runAttempt(7, 2)).run_started_at).toBe('2026-11-26T07:59:00Z')
  })

  it('names the permission to add when GitHub answers 403 or 404, asking once', async () => {
    const api = client()
    routes[`${R}/actions/runs/7/attempts/1/jobs`] = () => [403, { message: 'Resource not accessible by integration' }]
    routes[`${R}/commits/c/pulls`] = () => [404, { message: 'Not Found' }]
    await expect(api.jobs(7, 1)).rejects.toThrow(
      "Could not list the jobs of run 7: GitHub answered 403 Resource not accessible by integration (the token lacks a permission). Add `actions: read` to the job's `permissions:`"
    )
    await expect(api.pullRequestForCommit('c')).rejects.toThrow(
      /GitHub answered 404 Not Found \(not found, .*\)\. Add `pull-requests: read`/
    )
    expect(api.requests).toBe(2)
  })

  it('words a rejected token and other statuses', async () => {
    const api = client()
    routes[`${R}/commits/a/pulls`] = () => [401, { message: 'Bad credentials' }]
    routes[`${R}/commits/b/pulls`] = () => [422, { message: 'No commit found for SHA: b' }]
    await expect(api.pullRequestForCommit('a')).rejects.toThrow('GitHub rejected github-token (401 Bad credentials)')
    await expect(api.pullRequestForCommit('b')).rejects.toThrow('GitHub answered 422 No commit found for SHA: b')
  })

  it('gives up on a request GitHub never answers: each attempt cut at timeout-seconds', async () => {
    scripted[`${R}/commits/slow/pulls`] = ['silent', 'silent', 'silent']
    const started = Date.now()
    await expect(client(instant(), { timeoutSeconds: 1 }).pullRequestForCommit('slow')).rejects.toThrow(
      'Could not find the pull request of commit slow: the GitHub API did not answer within 1 s (3 attempts)'
    )
    expect(server.requests).toHaveLength(3)
    // Three attempts of 1 s; a hang would be 30 s (the default) or forever.
    expect(Date.now() - started).toBeLessThan(wallBound(3000))
  })

  it('asks nothing without a github-token', async () => {
    await expect(new GitHubApi(undefined, repo, 30, instant(), server.url).jobs(1, 1)).rejects.toThrow(MissingTokenError)
    expect(server.requests).toHaveLength(0)
  })

  it('says when the GitHub API cannot be reached', async () => {
    scripted[`${R}/commits/z/pulls`] = ['reset', 'reset', 'reset']
    await expect(client().pullRequestForCommit('z')).rejects.toThrow(
      /^Could not find the pull request of commit z: the GitHub API could not be reached \(connection reset\) \(3 attempts\)$/
    )
  })
})

const ledgerSha = 'f'.repeat(40)
/** The answers of a healthy GitHub for each kind of look-up, and the look-up itself. */
const lookUps: {
  kind: string
  /** The path that fails first, then answers. */
  path: string
  routes: Record<string, unknown>
  call: (api: GitHubApi) => Promise<unknown>
  expected: unknown
  requests: number
}[] = [
  {
    kind: 'workflow runs',
    path: `${R}/actions/workflows/7/runs`,
    routes: { [`${R}/actions/workflows/7/runs`]: { total_count: 1, workflow_runs: [{ id: 5, created_at: '2026-11-26T08:00:00Z' }] } },
    call: async api => {
      const ids: number[] = []
      for await (const run of api.workflowRuns(7, 'main', { first: 10 })) ids.push(run.id)
      return ids
    },
    expected: [5],
    requests: 2
  },
  {
    kind: 'pull request of a commit',
    path: `${R}/commits/c/pulls`,
    routes: { [`${R}/commits/c/pulls`]: [{ number: 44, merged_at: '2026-11-26T08:00:00Z', merge_commit_sha: 'c' }] },
    call: api => api.pullRequestForCommit('c'),
    expected: 44,
    requests: 2
  },
  {
    kind: 'jobs',
    path: `${R}/actions/runs/7/attempts/1/jobs`,
    routes: { [`${R}/actions/runs/7/attempts/1/jobs`]: { total_count: 1, jobs: [job('deploy', 'failure')] } },
    call: async api => (await api.jobs(7, 1)).map(j => j.name),
    expected: ['deploy'],
    requests: 2
  },
  {
    kind: 'deployment statuses',
    path: `${R}/deployments/30/statuses`,
    routes: { [`${R}/deployments/30/statuses`]: [{ state: 'failure', created_at: '2026-11-26T10:00:00Z' }] },
    call: async api => (await api.latestDeploymentStatus(30))?.state,
    expected: 'failure',
    requests: 2
  },
  {
    kind: 'comments',
    path: `${R}/issues/12/comments`,
    routes: { [`${R}/issues/12/comments`]: [{ id: 1, body: 'hi', html_url: 'u1' }] },
    call: async api => {
      const bodies: (string | undefined)[] = []
      for await (const comment of api.comments(12, 'issues: read')) bodies.push(comment.body)
      return bodies
    },
    expected: ['hi'],
    requests: 2
  },
  {
    // The ledger is read in two requests (its ref, then its file): the ref fails first here.
    kind: 'ledger',
    path: `${R}/git/ref/hivel/incidents`,
    routes: {
      [`${R}/git/ref/hivel/incidents`]: { ref: 'refs/hivel/incidents', object: { sha: ledgerSha, type: 'commit' } },
      [`${R}/contents/incidents.json`]: () => [200, '{"version":1}', { 'Content-Type': 'application/vnd.github.raw' }]
    },
    call: api => api.readLedger('contents: write'),
    expected: { commit: ledgerSha, text: '{"version":1}' },
    requests: 3
  }
]

describe('github-api.ts: a transient failure is asked again', () => {
  it.each(lookUps)(
    'a 502 then a 200 on $kind: read, in one request more',
    async ({ kind, path, routes: healthy, call, expected, requests }) => {
      routes = healthy
      scripted[path] = [[502, { message: 'Server Error' }]]
      const pacing = instant()
      const api = client(pacing)
      expect(await call(api)).toEqual(expected)
      expect(asked().filter(a => a === `GET ${path}`)).toHaveLength(2)
      expect(server.requests).toHaveLength(requests)
      expect({ requests: api.requests, byKind: api.requestsByKind }).toEqual({ requests, byKind: { [kind]: requests } })
      // Jittered backoff: random() × 1 s before the second attempt.
      expect(pacing.sleeps).toEqual([500])
    }
  )

  const path = `${R}/commits/c/pulls`
  const pulls = [{ number: 8, merged_at: '2026-11-26T08:00:00Z', merge_commit_sha: 'c' }]
  it.each<[string, Step]>([
    ['a connection reset before any answer', 'reset'],
    ['a body that is JSON null', [200, null]],
    ['a body that is not JSON', [200, '<html><body>502 Bad Gateway</body></html>']],
    ['a body cut short by a reset', 'cut']
  ])('%s, then a 200', async (_what, first) => {
    scripted[path] = [first, [200, pulls]]
    const api = client()
    expect(await api.pullRequestForCommit('c')).toBe(8)
    expect(api.requests).toBe(2)
    expect(server.requests).toHaveLength(2)
  })

  it('a request not answered within timeout-seconds, then a 200', async () => {
    scripted[path] = ['silent', [200, pulls]]
    const started = Date.now()
    expect(await client(instant(), { timeoutSeconds: 1 }).pullRequestForCommit('c')).toBe(8)
    expect(server.requests).toHaveLength(2)
    expect(Date.now() - started).toBeLessThan(wallBound(1000))
  })

  it('three failures: an error naming the look-up, the last failure and the attempts, after backoff that grows', async () => {
    scripted[path] = [
      [502, { message: 'Server Error' }],
      [503, 'Service Unavailable'],
      [504, { message: 'Gateway Timeout' }]
    ]
    const pacing = instant()
    await expect(client(pacing).pullRequestForCommit('c')).rejects.toThrow(
      'Could not find the pull request of commit c: GitHub answered 504 Gateway Timeout (3 attempts)'
    )
    expect(server.requests).toHaveLength(3)
    expect(pacing.sleeps).toEqual([500, 1000])
  })

  it.each([
    [502, 1, 'Could not comment on #12: GitHub answered 502 Server Error'],
    // 503 says the request was not processed: asking again cannot comment twice.
    [503, 2, undefined]
  ])('a comment (a write) answered %i is asked %i time(s)', async (status, requests, error) => {
    scripted[`${R}/issues/12/comments`] = [
      [status, { message: 'Server Error' }],
      [201, { id: 1, html_url: 'https://github.com/acme/shop/issues/12#issuecomment-1' }]
    ]
    const comment = client().comment(12, 'Filed with Hivel', 'issues: write')
    if (error) await expect(comment).rejects.toThrow(error)
    else expect(await comment).toBe('https://github.com/acme/shop/issues/12#issuecomment-1')
    expect(asked()).toEqual(Array(requests).fill(`POST ${R}/issues/12/comments`))
  })

  it.each<[string, Step]>([
    ['a body that is not JSON', [201, '<html>Created</html>']],
    ['a body cut short', 'cut']
  ])('a comment answered with success but %s is not asked again: GitHub took it', async (_what, first) => {
    scripted[`${R}/issues/12/comments`] = [first, [201, { id: 2, html_url: 'u' }]]
    await expect(client().comment(12, 'Filed', 'issues: write')).rejects.toThrow(/^Could not comment on #12: the GitHub API answered 20\d/)
    expect(server.requests).toHaveLength(1)
  })

  it('a comment whose connection drops after it was sent is not asked again: GitHub may have it', async () => {
    scripted[`${R}/issues/12/comments`] = ['reset', [201, { id: 1, html_url: 'u' }]]
    await expect(client().comment(12, 'Filed', 'issues: write')).rejects.toThrow(
      /^Could not comment on #12: the GitHub API could not be reached/
    )
    expect(server.requests).toHaveLength(1)
  })
})

describe('github-api.ts: pacing by the rate limit', () => {
  const path = `${R}/commits/c/pulls`
  const spent = (resetInSeconds: number) => ({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(1_000_000_000 + resetInSeconds) })

  it('waits for a reset within rate-limit-wait-seconds, then asks again', async () => {
    const pacing = instant(60)
    const api = client(pacing)
    scripted[path] = [[200, [{ number: 1 }], spent(10)]]
    scripted[`${R}/commits/d/pulls`] = [[200, [{ number: 2 }], {}]]
    expect(await api.pullRequestForCommit('c')).toBe(1)
    expect(await api.pullRequestForCommit('d')).toBe(2)
    expect(pacing.sleeps).toEqual([11_000])
    expect(core.info.mock.calls).toEqual([
      ["GitHub's API rate limit for this token is used up; waiting 11 s for it to reset at 2001-09-09T01:46:50Z."]
    ])
    expect(api.requests).toBe(2)
  })

  it('stops with RateLimitError when the reset is later than it may wait, asking nothing more', async () => {
    const api = client(instant(60))
    scripted[path] = [[200, [{ number: 1 }], spent(3600)]]
    await api.pullRequestForCommit('c')
    await expect(api.pullRequestForCommit('e')).rejects.toThrow(RateLimitError)
    expect(server.requests).toHaveLength(1)
  })

  it.each([403, 429])('waits out a secondary rate limit (%i with retry-after), then asks again', async status => {
    const pacing = instant(60)
    scripted[path] = [
      [status, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '2' }],
      [200, [{ number: 5 }]]
    ]
    expect(await client(pacing).pullRequestForCommit('c')).toBe(5)
    expect(pacing.sleeps).toEqual([2000])
    expect(core.info.mock.calls).toEqual([['GitHub asked to slow down (secondary rate limit); waiting 2 s.']])
    expect(server.requests).toHaveLength(2)
  })

  it('waits a minute for a secondary rate limit that names no wait, as GitHub advises', async () => {
    const pacing = instant(300)
    scripted[path] = [
      [403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' }, {}],
      [200, [{ number: 6 }]]
    ]
    expect(await client(pacing).pullRequestForCommit('c')).toBe(6)
    expect(pacing.sleeps).toEqual([60_000])
    expect(core.info.mock.calls).toEqual([['GitHub asked to slow down (secondary rate limit); waiting 60 s.']])
  })

  it('stops with RateLimitError when a secondary limit asks for longer than it may wait, asking nothing more', async () => {
    scripted[path] = [[429, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '600' }]]
    await expect(client(instant(60)).pullRequestForCommit('c')).rejects.toThrow(RateLimitError)
    expect(server.requests).toHaveLength(1)
  })
})

describe('github-api.ts: a moved repository', () => {
  it("follows a 301 inside GITHUB_API_URL to the repository's new place", async () => {
    scripted[`${R}/commits/m/pulls`] = [
      [301, { message: 'Moved Permanently' }, { Location: `${server.url}/repositories/42/commits/m/pulls` }]
    ]
    scripted['/repositories/42/commits/m/pulls'] = [[200, [{ number: 8, merged_at: '2026-11-26T08:00:00Z' }]]]
    expect(await client().pullRequestForCommit('m')).toBe(8)
    expect(server.requests.map(r => r.url.split('?')[0])).toEqual([`${R}/commits/m/pulls`, '/repositories/42/commits/m/pulls'])
  })

  it('never follows a redirect out of GITHUB_API_URL', async () => {
    scripted[`${R}/commits/n/pulls`] = [[302, {}, { Location: 'http://127.0.0.2:9/elsewhere' }]]
    await expect(client().pullRequestForCommit('n')).rejects.toThrow(/outside GITHUB_API_URL/)
    expect(server.requests).toHaveLength(1)
  })
})

describe('github-api.ts: github-token goes only to GITHUB_API_URL', () => {
  let elsewhere: Server
  beforeAll(async () => {
    elsewhere = await startServer((_req, res) => void res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]'))
  })
  afterAll(() => elsewhere.close())
  beforeEach(() => {
    elsewhere.requests.length = 0
  })

  const page = (link: string): Step => [200, [{ id: 1, body: 'first', html_url: 'u1' }], { Link: `<${link}>; rel="next"` }]
  const readAll = async (api: GitHubApi) => {
    const ids: number[] = []
    for await (const comment of api.comments(12, 'issues: read')) ids.push(comment.id)
    return ids
  }

  it('a next link to another origin is an error naming it, and nothing is sent there', async () => {
    const other = `${elsewhere.url}${R}/issues/12/comments?page=2`
    scripted[`${R}/issues/12/comments`] = [page(other)]
    await expect(readAll(client())).rejects.toThrow(
      `Could not read the comments of #12: the GitHub API linked to ${elsewhere.url}${R}/issues/12/comments, outside GITHUB_API_URL (${server.url}), so github-token is not sent there`
    )
    expect(server.requests).toHaveLength(1)
    expect(elsewhere.requests).toEqual([])
  })

  it('on GitHub Enterprise Server, a next link to the same host outside /api/v3 is an error; one inside is followed', async () => {
    const ghes = { apiUrl: `${server.url}/api/v3` }
    scripted[`/api/v3${R}/issues/12/comments`] = [page(`${server.url}${R}/issues/12/comments?page=2`)]
    await expect(readAll(client(instant(), ghes))).rejects.toThrow(
      `the GitHub API linked to ${server.url}${R}/issues/12/comments, outside GITHUB_API_URL (${server.url}/api/v3)`
    )
    expect(asked()).toEqual([`GET /api/v3${R}/issues/12/comments`])

    server.requests.length = 0
    scripted[`/api/v3${R}/issues/12/comments`] = [
      page(`${server.url}/api/v3${R}/issues/12/comments?page=2`),
      [200, [{ id: 2, html_url: 'u2' }]]
    ]
    expect(await readAll(client(instant(), ghes))).toEqual([1, 2])
    expect(server.requests.map(r => r.url)).toEqual([
      `/api/v3${R}/issues/12/comments?per_page=100`,
      `/api/v3${R}/issues/12/comments?page=2`
    ])
    expect(server.requests.every(r => r.headers.authorization === 'token ghs_t')).toBe(true)
  })
})

describe('github-api.ts: bounded answers', () => {
  it('a 40 MB page is an error naming the look-up, read only to the bound and never parsed', async () => {
    scripted[`${R}/actions/workflows/7/runs`] = ['huge']
    const parse = jest.spyOn(JSON, 'parse')
    const started = Date.now()
    try {
      const runs = client().workflowRuns(7, 'main')
      await expect(runs.next()).rejects.toThrow(
        `Could not list the runs of workflow 7: the GitHub API answered more than ${GITHUB_BODY_LIMIT / 1024 / 1024} MB, more than any answer the action uses`
      )
      expect(parse.mock.calls.filter(([text]) => text.length > 1024 * 1024)).toEqual([])
    } finally {
      parse.mockRestore()
    }
    // Another 40 MB would be as useless: not asked again.
    expect(server.requests).toHaveLength(1)
    expect(Date.now() - started).toBeLessThan(wallBound(0))
  })
})

describe("github-api.ts: GitHub's 1,000-result cap on a filtered runs list", () => {
  // 1,500 runs a minute apart, newest first; the 1,000th and 1,001st were created in the same second.
  const at = (i: number) => new Date(Date.parse('2026-11-26T00:00:00Z') - Math.min(i, 999) * 60_000 - Math.max(0, i - 1000) * 60_000)
  const runs = Array.from({ length: 1500 }, (_, i) => ({ id: 5000 - i, created_at: at(i).toISOString().replace('.000Z', 'Z') }))

  /** As GitHub lists a filtered list: at most 1,000 results whatever the page, total_count the real count; created=<=… honoured. */
  function cappedRuns(req: Received): [number, unknown, Record<string, string>] {
    const url = new URL(req.url, server.url)
    const until = url.searchParams.get('created')?.replace(/^<=/, '')
    const matching = runs.filter(r => !until || r.created_at <= until)
    const perPage = Number(url.searchParams.get('per_page') ?? 30)
    const n = Number(url.searchParams.get('page') ?? 1)
    const listed = matching.slice(0, 1000)
    const next = new URL(url)
    next.searchParams.set('page', String(n + 1))
    const link: Record<string, string> = n * perPage < listed.length ? { Link: `<${next.href}>; rel="next"` } : {}
    const body = { total_count: matching.length, workflow_runs: listed.slice((n - 1) * perPage, n * perPage) }
    return [200, body, { 'Content-Type': 'application/json', ...link }]
  }

  it('reads every run once, going on from the oldest run given once the cap is reached', async () => {
    routes[`${R}/actions/workflows/7/runs`] = cappedRuns
    const api = client()
    const ids: number[] = []
    for await (const run of api.workflowRuns(7, 'main', { first: 10 })) ids.push(run.id)
    expect(ids).toEqual(runs.map(r => r.id))
    const queries = server.requests.map(r => new URL(r.url, server.url).searchParams)
    // A first page of 10, the capped list in 10 pages of 100, then the runs up to the oldest given (501: 6 pages).
    expect(api.requestsByKind).toEqual({ 'workflow runs': 17 })
    expect(queries.slice(0, 11).every(q => !q.has('created'))).toBe(true)
    expect(queries.slice(11).map(q => q.get('created'))).toEqual(Array(6).fill(`<=${runs[999].created_at}`))
    expect(queries.every(q => q.get('exclude_pull_requests') === 'true' && q.get('branch') === 'main')).toBe(true)
  })
})

describe('github-api.ts: an answer that is not what GitHub sends is an error, never "nothing there"', () => {
  it.each<[string, string, (api: GitHubApi) => Promise<unknown>]>([
    ['the pull requests of a commit', `${R}/commits/o/pulls`, api => api.pullsOfCommit('o')],
    ['the commits of a pull request', `${R}/pulls/5/commits`, api => api.pullCommitMessages(5)],
    ['the statuses of a deployment', `${R}/deployments/9/statuses`, api => api.latestDeploymentStatus(9)],
    ['a runs page without its runs', `${R}/actions/workflows/7/runs`, async api => api.workflowRuns(7, 'main').next()]
  ])('%s answered with an object', async (_what, path, ask) => {
    scripted[path] = [[200, { total_count: 1 }]]
    await expect(ask(client())).rejects.toThrow(/the GitHub API answered a page that is not a list$/)
    expect(server.requests).toHaveLength(1)
  })

  it('a ledger ref without a commit, or a ledger file that is not text', async () => {
    const ref = `${R}/git/ref/hivel/incidents`
    scripted[ref] = [[200, { object: { sha: 'not-a-sha' } }]]
    await expect(client().readLedger('contents: write')).rejects.toThrow(
      'Could not read refs/hivel/incidents: the GitHub API did not answer its commit'
    )
    const sha = 'a'.repeat(40)
    scripted[ref] = [[200, { object: { sha } }]]
    scripted[`${R}/contents/incidents.json`] = [[404, { message: 'Not Found' }]]
    await expect(client().readLedger('contents: write')).rejects.toThrow(
      /^Could not read incidents.json of refs\/hivel\/incidents: GitHub answered 404 Not Found/
    )
  })

  it("a token that is no user's is a workflow token: its login is undefined, asked once", async () => {
    scripted['/user'] = [[403, { message: 'Resource not accessible by integration' }]]
    const api = client()
    expect(await api.login()).toBeUndefined()
    expect(await api.login()).toBeUndefined()
    expect(server.requests).toHaveLength(1)
  })
})
