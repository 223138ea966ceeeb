/**
 * Issue 18 on the built action (Node 24): a backfill finds the merged reverts of its window in the
 * closed pull request list and main's commit list, of every kind, at a cost the token's hour
 * affords: no pull request's commits are read. What the lists cannot settle is read in-process,
 * through the real client, from the same stand-in.
 */
import { afterAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../__fixtures__/core.js'
import { REPO, useHivel } from '../__fixtures__/action.js'
import { CommitData, GITHUB_TOKEN, PullData, runOnHistory, startHistory } from '../__fixtures__/history.js'
import { revertHistory } from '../script/bench-history.mjs'

jest.unstable_mockModule('@actions/core', () => core)
const { backfill } = await import('../src/backfill.js')
const { GitHubApi } = await import('../src/github-api.js')
const { parseAll, settingsSchema } = await import('../src/schema.js')
const { Stop } = await import('../src/stop.js')

const hivelServer = useHivel()

/** 90 days, 300 merged pull requests: 12 reverts (4 of each kind, 3 of pull requests merged before the window), 4 own-branch undos. */
const plan = revertHistory({ since: '2026-09-01T00:00:00Z', until: '2026-11-30T00:00:00Z', merged: 300, reverts: 12, undos: 4 })
const inputs = { 'backfill-since': '2026-09-01', 'backfill-until': '2026-11-30T00:00:00Z', 'backfill-issues': 'false' }
const merged = (n: number) => plan.history.pullRequests.find(p => p.number === n)?.merged_at

/** A GitHub request by what it is for. */
function kind(request: string): string {
  const [method, url] = request.split(' ')
  const path = url.replace(`/repos/${REPO}`, '').split('?')[0]
  if (/^\/pulls\/\d+\/commits$/.test(path)) return "a pull request's commits"
  if (/^\/commits\/\w+\/pulls$/.test(path)) return 'pull request of a commit'
  if (/^\/pulls\/\d+$/.test(path)) return 'pull request'
  if (path === '/pulls' || path === '/commits') return `${path} page`
  if (path === '') return 'repository'
  return `${method} record`
}

const count = (asked: string[]) => {
  const counts: Record<string, number> = {}
  for (const request of asked) counts[kind(request)] = (counts[kind(request)] ?? 0) + 1
  return counts
}

describe('backfill-reverts: every revert of a window, from two lists', () => {
  it('files each revert once, of every kind, blaming what it reverted, and no own-branch undo', async () => {
    const { result } = await runOnHistory(plan.history, hivelServer.url, { inputs })
    expect(result.code).toBe(0)
    const sent = hivelServer.requests.map(r => r.json as Record<string, string>)
    expect(sent.map(p => p.provider_id).sort()).toEqual(plan.reverts.map(r => `${REPO}/pull/${r.number}`).sort())
    for (const { number, reverts } of plan.reverts) {
      expect(sent.find(p => p.provider_id === `${REPO}/pull/${number}`)).toMatchObject({
        pr_number: String(reverts),
        reported_time: merged(reverts),
        resolution_time: merged(number)
      })
    }
    expect(result.outputs.filed).toBe('12')
    for (const undo of plan.undos) {
      expect(result.shown).toMatch(
        new RegExp(
          `Pull request https://github.com/${REPO}/pull/${undo} reverts commit \\w{7} of its own branch: work undone before the merge`
        )
      )
    }
  })

  it("asks GitHub the list pages and at most two look-ups per revert or undo, never a pull request's commits", async () => {
    const { result, github } = await runOnHistory(plan.history, hivelServer.url, { inputs: { ...inputs, 'dry-run': 'true' } })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs.incidents)).toHaveLength(12)
    const { 'GET record': records, ...finding } = count(github.asked())
    // 330 closed pull requests in the window (30 unmerged) and the first before it: 4 pages of 100; main's 598 commits
    // in the window: 6 pages. The repository is read once, first (its default branch, and whether it can be read).
    // Looked up once each, what the lists do not hold: the pull request reverted by the 3 reverts of changes merged
    // before the window (one by number, two by commit); the pull request of the 2 `git revert` commits that are
    // neither a merge nor a head; the reverted commit of the 4 undos, and the undo's own commit for the 2 merged with a
    // merge commit.
    expect(finding).toEqual({ repository: 1, '/pulls page': 4, '/commits page': 6, 'pull request': 1, 'pull request of a commit': 10 })
    // The dry run reads the ledger, and the records of versions before it from one list of the repository's
    // comments (not a read per revert), and writes nothing.
    expect(records).toBe(2)
    expect(result.shown).toContain(`GitHub API: ${github.asked().length} requests, `)
  })
})

describe('backfill-reverts: what the lists cannot settle', () => {
  const since = '2026-11-01T00:00:00Z'
  const until = '2026-11-30T00:00:00Z'
  const now = new Date('2026-12-03T12:00:00Z')
  const env = { eventName: 'workflow_dispatch', repository: REPO, serverUrl: 'https://github.com', sha: 'abc', runId: 1234, runAttempt: 1 }
  const filing = {
    delivery: {
      baseUrl: 'https://app.hivel.ai',
      token: '',
      authHeader: 'both' as const,
      maxAttempts: 1,
      timeoutSeconds: 1,
      retryWhenUnsure: false
    },
    dryRun: true,
    record: false,
    resend: [],
    stop: new Stop(),
    ownRepoUrl: `https://github.com/${REPO}`,
    runUrl: `https://github.com/${REPO}/actions/runs/1234`
  }
  const sha = (n: number) => `${n}`.padStart(40, 'e')
  const commit = (n: number, message: string, date: string): CommitData => ({ sha: sha(n), commit: { message, committer: { date } } })
  const pr = (number: number, merged: string, more: Partial<PullData> = {}): PullData => ({
    number,
    html_url: `https://github.com/${REPO}/pull/${number}`,
    title: `Change ${number}`,
    body: null,
    state: 'closed',
    updated_at: merged,
    merged_at: merged,
    merge_commit_sha: sha(number),
    user: { login: 'mona' },
    labels: [{ name: 'sev2' }],
    head: { ref: `change-${number}`, sha: sha(number + 1000) },
    base: { ref: 'main', repo: { full_name: REPO, default_branch: 'main' } },
    ...more
  })
  const reverting = (n: number) => `Revert "Change ${n}"\n\nThis reverts commit ${sha(n)}.`
  const change = pr(10, '2026-11-10T10:00:00Z')

  beforeEach(() => {
    jest.clearAllMocks()
    core.written.length = 0
    // The summary goes to the mocked core; only its presence is read from the environment.
    process.env.GITHUB_STEP_SUMMARY = '/dev/null'
  })
  afterAll(() => {
    delete process.env.GITHUB_STEP_SUMMARY
  })

  async function backfillOf(history: Parameters<typeof startHistory>[0], raw: Record<string, string> = {}) {
    const github = await startHistory(history)
    try {
      const settings = parseAll(settingsSchema(now, 'https://github.com', 'workflow_dispatch'), {
        'dry-run': 'true',
        'backfill-since': since,
        'backfill-until': until,
        'backfill-issues': 'false',
        ...raw
      })
      const api = new GitHubApi(GITHUB_TOKEN, { owner: 'acme', repo: 'checkout-service' }, 5, {}, github.url)
      await backfill(settings, env, now, api, filing)
      const outputs = Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, value]))
      return { incidents: JSON.parse(outputs.incidents as string), asked: github.asked().map(a => a.replace(`/repos/${REPO}`, '')) }
    } finally {
      await github.close()
    }
  }

  it("lists a revert of another repository's pull request with the reason, skips a revert pushed without a pull request or out of the window or branches, and reads revert-branches' commits", async () => {
    const { incidents, asked } = await backfillOf(
      {
        pullRequests: [
          // Merged after the window.
          pr(19, '2026-12-01T10:00:00Z', { title: 'Revert "Change 10"', body: 'Reverts #10' }),
          // The same change reverted on a branch revert-branches does not list: skipped, and no claim on release/2.4's revert.
          pr(18, '2026-11-16T10:00:00Z', {
            title: 'Revert "Change 10"',
            body: 'Reverts #10',
            base: { ref: 'release/1.0', repo: { full_name: REPO, default_branch: 'main' } }
          }),
          { ...pr(16, '2026-11-15T10:00:00Z', { body: 'Reverts #10' }), merged_at: null, merge_commit_sha: null },
          // `git revert` only in its commit, into a release branch revert-branches lists.
          pr(12, '2026-11-14T10:00:00Z', {
            title: 'Back out change 10 on 2.4',
            head: { ref: 'backport', sha: sha(1012) },
            base: { ref: 'release/2.4', repo: { full_name: REPO, default_branch: 'main' } }
          }),
          pr(11, '2026-11-12T10:00:00Z', { title: 'Revert "Switch card processor"', body: 'Reverts acme/payments#88' }),
          change
        ],
        commits: {
          main: [
            commit(13, reverting(10), '2026-11-13T10:00:00Z'),
            commit(11, 'Revert "Switch card processor" (#11)', '2026-11-12T10:00:00Z'),
            commit(10, 'Change 10 (#10)', '2026-11-10T10:00:00Z')
          ],
          'release/2.4': [commit(12, `Back out change 10 on 2.4 (#12)\n\n${reverting(10)}`, '2026-11-14T10:00:00Z')]
        }
      },
      { 'revert-branches': 'release/2.4' }
    )
    expect(incidents).toEqual([
      { provider_id: `${REPO}/pull/11`, incident_id: '', status: 'cannot file' },
      { provider_id: `${REPO}/pull/12`, incident_id: '', status: 'dry run' }
    ])
    expect(core.written.join('\n')).toContain('Could not read pull request acme/payments#88: GitHub answered 404 Not Found')
    expect(asked).toEqual([
      'GET ',
      'GET /pulls?state=closed&sort=updated&direction=desc&per_page=100',
      `GET /commits?sha=main&since=${encodeURIComponent('2026-11-01T00:00:00.000Z')}&until=${encodeURIComponent('2026-11-30T00:00:00.000Z')}&per_page=100`,
      // The revert commit pushed to main: GitHub lists no pull request of it, so nothing to file.
      `GET /commits/${sha(13)}/pulls`,
      `GET /commits?sha=release%2F2.4&since=${encodeURIComponent('2026-11-01T00:00:00.000Z')}&until=${encodeURIComponent('2026-11-30T00:00:00.000Z')}&per_page=100`,
      'GET /repos/acme/payments/pulls/88'
    ])
  })

  it('reads the repository once, first, and asks for the pull request of a revert commit', async () => {
    const revert = pr(14, '2026-11-20T10:00:00Z', { title: 'Back out change 10', head: { ref: 'back-out', sha: sha(1014) } })
    const { incidents, asked } = await backfillOf({
      // Listed by a commit's pull requests only: last updated before the window.
      pullRequests: [
        { ...revert, updated_at: '2026-10-01T00:00:00Z' },
        { ...change, updated_at: '2026-10-01T00:00:00Z' }
      ],
      pullCommits: { 14: [commit(15, reverting(10), '2026-11-20T09:00:00Z')] },
      commits: {
        main: [
          commit(14, 'Merge pull request #14 from acme/back-out', '2026-11-20T10:00:00Z'),
          commit(15, reverting(10), '2026-11-20T09:00:00Z')
        ]
      }
    })
    expect(incidents).toEqual([{ provider_id: `${REPO}/pull/14`, incident_id: '', status: 'dry run' }])
    expect(asked.map(a => a.split('?')[0])).toEqual([
      'GET ',
      'GET /pulls',
      'GET /commits',
      `GET /commits/${sha(15)}/pulls`,
      `GET /commits/${sha(10)}/pulls`
    ])
  })
})
