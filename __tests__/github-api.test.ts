/** GitHubApi in-process against a stand-in GitHub API on 127.0.0.1. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { githubApi, Server, startServer } from '../__fixtures__/action.js'
import { GitHubApi, MissingTokenError, RateLimitError } from '../src/github-api.js'

const repo = { owner: 'acme', repo: 'shop' }
let routes: Parameters<typeof githubApi>[0] = {}
/** Paths the stand-in receives and never answers. */
const silent = new Set<string>()
/** Paths whose connection the stand-in drops without an answer, as a network failure does. */
const dropped = new Set<string>()
/** Answers with headers, by path: each request's [status, body, headers] in turn. */
let scripted: Record<string, [number, unknown, Record<string, string>][]> = {}
let server: Server

beforeAll(async () => {
  server = await startServer((req, res, n) => {
    const path = req.url.split('?')[0]
    if (dropped.has(path)) return void res.socket?.destroy()
    const next = scripted[path]?.shift()
    if (next) return void res.writeHead(next[0], { 'Content-Type': 'application/json', ...next[2] }).end(JSON.stringify(next[1]))
    return silent.has(path) ? undefined : githubApi(routes)(req, res, n)
  })
  // @actions/github reads the API URL when it is first loaded, which GitHubApi delays until a call.
  process.env.GITHUB_API_URL = server.url
})
afterAll(() => server.close())
// Each test sets up the answers it needs, so any one of them runs alone (jest -t) or in any order.
beforeEach(() => {
  routes = {}
  scripted = {}
  silent.clear()
  dropped.clear()
  server.requests.length = 0
})

const job = (name: string, conclusion: string | null) => ({
  name,
  conclusion,
  started_at: '2026-11-26T08:00:00Z',
  completed_at: '2026-11-26T08:05:00Z'
})

describe('github-api.ts: asking GitHub for defaults', () => {
  it('prefers the pull request whose merge produced the commit, then a merged one, then any', async () => {
    const api = new GitHubApi('ghs_t', repo)
    routes['/repos/acme/shop/commits/c1/pulls'] = [
      { number: 1, merged_at: null, merge_commit_sha: 'x' },
      { number: 2, merged_at: '2026-11-26T08:00:00Z', merge_commit_sha: 'other' },
      { number: 3, merged_at: '2026-11-26T08:00:00Z', merge_commit_sha: 'c1' }
    ]
    routes['/repos/acme/shop/commits/c2/pulls'] = [
      { number: 1, merged_at: null },
      { number: 2, merged_at: '2026-11-26T08:00:00Z' }
    ]
    routes['/repos/acme/shop/commits/c3/pulls'] = [{ number: 9, merged_at: null }]
    routes['/repos/acme/shop/commits/c4/pulls'] = []
    expect(await api.pullRequestForCommit('c1')).toBe(3)
    expect(await api.pullRequestForCommit('c2')).toBe(2)
    expect(await api.pullRequestForCommit('c3')).toBe(9)
    expect(await api.pullRequestForCommit('c4')).toBeUndefined()
    expect(server.requests.every(r => r.headers.authorization === 'token ghs_t')).toBe(true)
  })

  it('lists the jobs of a run attempt and reads when the attempt started', async () => {
    const api = new GitHubApi('ghs_t', repo)
    routes['/repos/acme/shop/actions/runs/7/attempts/2/jobs'] = {
      total_count: 2,
      jobs: [job('build', 'success'), job('deploy', 'failure')]
    }
    routes['/repos/acme/shop/actions/runs/7/attempts/2'] = { run_started_at: '2026-11-26T07:59:00Z', created_at: '2026-11-26T07:58:00Z' }
    expect((await api.jobs(7, 2)).map(j => j.name)).toEqual(['build', 'deploy'])
    expect((await api.runAttempt(7, 2)).run_started_at).toBe('2026-11-26T07:59:00Z')
  })

  it('names the permission to add when GitHub answers 403 or 404', async () => {
    const api = new GitHubApi('ghs_t', repo)
    routes['/repos/acme/shop/actions/runs/7/attempts/1/jobs'] = () => [403, { message: 'Resource not accessible by integration' }]
    routes['/repos/acme/shop/commits/c/pulls'] = () => [404, { message: 'Not Found' }]
    await expect(api.jobs(7, 1)).rejects.toThrow(
      "Could not list the jobs of run 7: GitHub answered 403 Resource not accessible by integration (the token lacks a permission). Add `actions: read` to the job's `permissions:`"
    )
    await expect(api.pullRequestForCommit('c')).rejects.toThrow(
      /GitHub answered 404 Not Found \(not found, .*\)\. Add `pull-requests: read`/
    )
  })

  it('words a rejected token and other statuses', async () => {
    const api = new GitHubApi('ghs_t', repo)
    routes['/repos/acme/shop/commits/a/pulls'] = () => [401, { message: 'Bad credentials' }]
    routes['/repos/acme/shop/commits/b/pulls'] = () => [422, { message: 'No commit found for SHA: b' }]
    await expect(api.pullRequestForCommit('a')).rejects.toThrow('GitHub rejected github-token (401 Bad credentials)')
    await expect(api.pullRequestForCommit('b')).rejects.toThrow('GitHub answered 422 No commit found for SHA: b')
  })

  it('gives up on a request GitHub does not answer within timeout-seconds', async () => {
    silent.add('/repos/acme/shop/commits/slow/pulls')
    const started = Date.now()
    await expect(new GitHubApi('ghs_t', repo, 1).pullRequestForCommit('slow')).rejects.toThrow(
      'Could not find the pull request of commit slow: the GitHub API did not answer within 1 s'
    )
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('asks nothing without a github-token', async () => {
    await expect(new GitHubApi(undefined, repo).jobs(1, 1)).rejects.toThrow(MissingTokenError)
    expect(server.requests).toHaveLength(0)
  })

  it('says when the GitHub API cannot be reached', async () => {
    dropped.add('/repos/acme/shop/commits/z/pulls')
    await expect(new GitHubApi('ghs_t', repo).pullRequestForCommit('z')).rejects.toThrow(
      /^Could not find the pull request of commit z: the GitHub API could not be reached \(/
    )
  })
})

describe('github-api.ts: pacing by the rate limit', () => {
  const path = '/repos/acme/shop/commits/c/pulls'
  const pacing = (maxWaitSeconds: number) => {
    const sleeps: number[] = []
    return { sleeps, maxWaitSeconds, now: () => 1_000_000_000_000, sleep: async (ms: number) => void sleeps.push(ms) }
  }
  const spent = (resetInSeconds: number) => ({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(1_000_000_000 + resetInSeconds) })

  it('waits for a reset within rate-limit-wait-seconds, then asks again', async () => {
    const p = pacing(60)
    const api = new GitHubApi('ghs_t', repo, 30, p)
    scripted[path] = [[200, [{ number: 1 }], spent(10)]]
    scripted['/repos/acme/shop/commits/d/pulls'] = [[200, [{ number: 2 }], {}]]
    expect(await api.pullRequestForCommit('c')).toBe(1)
    expect(await api.pullRequestForCommit('d')).toBe(2)
    expect(p.sleeps).toEqual([11_000])
    expect(api.requests).toBe(2)
  })

  it('stops with RateLimitError when the reset is later than it may wait, asking nothing more', async () => {
    const api = new GitHubApi('ghs_t', repo, 30, pacing(60))
    scripted[path] = [[200, [{ number: 1 }], spent(3600)]]
    await api.pullRequestForCommit('c')
    await expect(api.pullRequestForCommit('e')).rejects.toThrow(RateLimitError)
    expect(server.requests).toHaveLength(1)
  })

  it('waits out a secondary rate limit (429 with retry-after) and retries', async () => {
    const p = pacing(60)
    const api = new GitHubApi('ghs_t', repo, 30, p)
    scripted[path] = [
      [429, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '2' }],
      [200, [{ number: 5 }], {}]
    ]
    expect(await api.pullRequestForCommit('c')).toBe(5)
    expect(p.sleeps).toEqual([2000])
  })
})
