/** backfill.ts, backfill-reverts: the merged reverts of a window, read from the closed pull requests as the live path reads each. */
import { afterAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../__fixtures__/core.js'
import type { GitHubApi, Pull } from '../src/github-api.js'

jest.unstable_mockModule('@actions/core', () => core)
const { backfill } = await import('../src/backfill.js')
const { GitHubApiError } = await import('../src/github-api.js')
const { parseAll, settingsSchema } = await import('../src/schema.js')
const { Stop } = await import('../src/stop.js')

const now = new Date('2026-12-03T12:00:00Z')
const env = {
  eventName: 'workflow_dispatch',
  repository: 'acme/shop',
  serverUrl: 'https://github.com',
  sha: 'abc',
  runId: 1234,
  runAttempt: 1
}
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
  // The ledger's reads and writes are the integration tests' (backfill.test.ts, ledger.test.ts).
  record: false,
  resend: [],
  stop: new Stop(),
  ownRepoUrl: 'https://github.com/acme/shop',
  runUrl: 'https://github.com/acme/shop/actions/runs/1234'
}

/** A closed pull request of acme/shop as GET /repos/{owner}/{repo}/pulls lists it. */
const pull = (number: number, mergedAt: string | null, change: Partial<Pull> = {}): Pull => ({
  number,
  html_url: `https://github.com/acme/shop/pull/${number}`,
  title: `Change ${number}`,
  body: null,
  merged_at: mergedAt,
  updated_at: mergedAt ?? '2026-11-20T09:00:00Z',
  user: { login: 'mona' },
  labels: [],
  head: { ref: `change-${number}` },
  base: { ref: 'main', repo: { full_name: 'acme/shop', default_branch: 'main' } },
  ...change
})
const revertOf = (number: number, reverted: string, mergedAt: string) =>
  pull(number, mergedAt, { title: `Revert "Change"`, body: `Reverts ${reverted}`, head: { ref: `revert-x` } })

/** Newest updated first, as the action asks GitHub to list them. */
const closed = [
  revertOf(220, 'acme/shop#219', '2026-12-04T08:00:00Z'),
  revertOf(215, 'acme/shop#203', '2026-11-26T13:12:00Z'),
  pull(214, null),
  revertOf(212, 'acme/payments#88', '2026-11-18T10:00:00Z'),
  revertOf(210, '#190', '2026-11-12T10:00:00Z'),
  pull(205, '2026-11-10T10:00:00Z'),
  pull(150, '2026-10-30T10:00:00Z'),
  pull(149, '2026-11-15T10:00:00Z')
]

function fakeApi() {
  const calls: string[] = []
  const reverted: Record<string, Pull | Error> = {
    'acme/shop#203': pull(203, '2026-11-26T10:00:00Z', { title: 'Add EU checkout', labels: [{ name: 'sev2' }] }),
    'acme/shop#190': pull(190, '2026-11-11T09:00:00Z', { title: 'Faster search' }),
    'acme/payments#88': new GitHubApiError('Could not read pull request acme/payments#88: GitHub answered 404 Not Found', 404)
  }
  const api = {
    requests: 0,
    async *closedPulls() {
      calls.push('closed pulls')
      for (const p of closed) {
        calls.push(`listed #${p.number}`)
        yield p
      }
    },
    pull: async (number: number, repo: { owner: string; repo: string }) => {
      const key = `${repo.owner}/${repo.repo}#${number}`
      calls.push(`pull ${key}`)
      const answer = reverted[key]
      if (answer instanceof Error) throw answer
      return answer
    },
    pullCommitMessages: async (number: number) => (calls.push(`commits of #${number}`), ['Plain change'])
  } as unknown as GitHubApi
  return { api, calls }
}

const settingsFor = (raw: Record<string, string>) =>
  parseAll(settingsSchema(now, 'https://github.com', 'workflow_dispatch'), {
    'dry-run': 'true',
    'backfill-since': '2026-11-01',
    'backfill-until': '2026-12-01',
    'backfill-issues': 'false',
    ...raw
  })

const outputs = () => Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, value]))

beforeEach(() => {
  jest.clearAllMocks()
  core.written.length = 0
  // The summary goes to the mocked core; only its presence is read from the environment.
  process.env.GITHUB_STEP_SUMMARY = '/dev/null'
})
afterAll(() => {
  delete process.env.GITHUB_STEP_SUMMARY
})

describe('backfill-reverts', () => {
  it('reads closed pull requests until one was last updated before the window, and lists each merged revert', async () => {
    const { api, calls } = fakeApi()
    await backfill(settingsFor({}), env, now, api, filing)
    expect(calls).toEqual([
      'closed pulls',
      'listed #220',
      'listed #215',
      'pull acme/shop#203',
      'listed #214',
      'listed #212',
      'pull acme/payments#88',
      'listed #210',
      'pull acme/shop#190',
      'listed #205',
      'commits of #205',
      'listed #150'
    ])
  })

  it('files a revert as the live path would, and lists with the reason what cannot be filed as it stands', async () => {
    const { api } = fakeApi()
    await backfill(settingsFor({}), env, now, api, filing)
    expect(JSON.parse(outputs().incidents as string)).toEqual([
      { provider_id: 'acme/shop/pull/212', incident_id: '', status: 'cannot file' },
      { provider_id: 'acme/shop/pull/210', incident_id: '', status: 'cannot file' },
      { provider_id: 'acme/shop/pull/215', incident_id: '', status: 'dry run' }
    ])
    const summary = core.written.join('\n')
    expect(summary).toContain(
      '| dry run | Reverts | 2026-11-26T10:00:00Z | 2026-11-26T13:12:00Z | 3 h 12 min | high | #203 | acme/shop/pull/215 |  |'
    )
    expect(summary).toContain('| cannot file | Reverts |  |  |  |  |  | acme/shop/pull/212 | Could not read pull request acme/payments#88')
    expect(summary).toContain(
      '| #190 | acme/shop/pull/210 | Revert https://github.com/acme/shop/pull/210 of #190 has no severity: add a label such as severity:high, sev1 or P2 to #190 (read afresh when the job is re-run), or set severity. |'
    )
    expect(core.debug).toHaveBeenCalledWith(expect.stringContaining('Dry run: nothing is sent.'))
  })

  it('fills a missing severity from the severity input, and reads no pull request with backfill-reverts: false', async () => {
    const withSeverity = fakeApi()
    await backfill(settingsFor({ severity: 'medium' }), env, now, withSeverity.api, filing)
    expect(JSON.parse(outputs().incidents as string)).toContainEqual({
      provider_id: 'acme/shop/pull/210',
      incident_id: '',
      status: 'dry run'
    })
    jest.clearAllMocks()
    const off = fakeApi()
    await backfill(settingsFor({ 'backfill-reverts': 'false' }), env, now, off.api, filing)
    expect(off.calls).toEqual([])
    expect(outputs().incidents).toBe('[]')
  })
})
