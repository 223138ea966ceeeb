/**
 * situations/revert.ts: a merged revert files the change it reverts, with a stand-in GitHub API (and the real client for
 * failures), and the built action on closed pull requests served by the history stand-in.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { githubApi, REPO, Server, startServer, useHivel } from '../__fixtures__/action.js'
import { cpuMs, LINEAR_CPU_MS } from '../__fixtures__/bounds.js'
import * as core from '../__fixtures__/core.js'
import { runOnHistory } from '../__fixtures__/history.js'
import { commitSha, revertHistory } from '../script/bench-history.mjs'
import type { Pull } from '../src/github-api.js'

// The client's log lines are calls here, not raw workflow commands on the test console.
jest.unstable_mockModule('@actions/core', () => core)
const { GitHubApi } = await import('../src/github-api.js')
const { revertedCommit, revertedIn, revertSituation } = await import('../src/situations/revert.js')
type RevertOptions = import('../src/situations/revert.js').RevertOptions

const where = { repository: 'acme/shop', serverUrl: 'https://github.com' }
const SHA = '5a1b2c3d4e5f60718293a4b5c6d7e8f901234567'
const live: RevertOptions = { severityInput: false }

/** A pull request of acme/shop as the API (and the pull_request event) gives it. */
const pull = (number: number, change: Partial<Pull> = {}): Pull => ({
  number,
  html_url: `https://github.com/acme/shop/pull/${number}`,
  title: `Change ${number}`,
  body: null,
  merged_at: '2026-11-26T10:00:00Z',
  user: { login: 'mona' },
  labels: [],
  head: { ref: `change-${number}` },
  base: { ref: 'main', repo: { full_name: 'acme/shop', default_branch: 'main' } },
  ...change
})

/** What GitHub's Revert button makes of #203 "Add EU checkout", merged at 13:12 by octocat. */
const buttonRevert = (change: Partial<Pull> = {}) =>
  pull(215, {
    title: 'Revert "Add EU checkout"',
    body: 'Reverts acme/shop#203',
    merged_at: '2026-11-26T13:12:00Z',
    user: { login: 'octocat' },
    head: { ref: 'revert-203-add-eu-checkout' },
    ...change
  })
const addEuCheckout = pull(203, { title: 'Add EU checkout', body: 'Adds the EU checkout flow.', labels: [{ name: 'sev2' }] })

/** A GitHub API answering from tables, recording each call. */
function fakeApi(
  answers: { pulls?: Record<string, Pull | Error>; commits?: Record<number, string[]>; ofCommit?: Record<string, Pull> } = {}
) {
  const calls: string[] = []
  const api = {
    pull: async (number: number, repo: { owner: string; repo: string }) => {
      const key = `${repo.owner}/${repo.repo}#${number}`
      calls.push(`pull ${key}`)
      const answer = answers.pulls?.[key]
      if (answer instanceof Error) throw answer
      if (!answer) throw new Error(`unexpected ${key}`)
      return answer
    },
    pullCommitMessages: async (number: number) => (calls.push(`commits of #${number}`), answers.commits?.[number] ?? []),
    pullForCommit: async (sha: string) => (calls.push(`pull of ${sha.slice(0, 7)}`), answers.ofCommit?.[sha])
  }
  return { api, calls }
}

/** The incident of #215 reverting #203, as the Revert button's output gives it. */
const filed = {
  defaults: {
    prNumber: { value: '203', source: 'event' },
    repoUrl: { value: 'https://github.com/acme/shop', source: 'event' },
    reportedTime: { value: new Date('2026-11-26T10:00:00Z'), source: 'GitHub API' },
    resolutionTime: { value: new Date('2026-11-26T13:12:00Z'), source: 'event' },
    providerId: { value: 'acme/shop/pull/215', source: 'event' },
    description: { value: 'Reverted "Add EU checkout" (#203) by #215', source: 'GitHub API' },
    reportedBy: { value: 'octocat', source: 'event' },
    severity: { value: 'high', source: 'GitHub API' }
  },
  thread: { number: 215, kind: 'pull request' },
  problems: []
}

describe('a merged revert files the change it reverts', () => {
  it("files GitHub's Revert button output against #203, from its merge to the revert's, reading only #203", async () => {
    const { api, calls } = fakeApi({ pulls: { 'acme/shop#203': addEuCheckout } })
    expect(await revertSituation(buttonRevert(), live, where, api)).toEqual(filed)
    expect(calls).toEqual(['pull acme/shop#203'])
  })

  it('finds the reverted pull request from the branch when the body was rewritten', async () => {
    const { api, calls } = fakeApi({ pulls: { 'acme/shop#203': addEuCheckout } })
    expect(await revertSituation(buttonRevert({ body: 'Checkout broke in the EU.' }), live, where, api)).toEqual(filed)
    expect(calls).toEqual(['pull acme/shop#203'])
  })

  it('takes the body over the branch', async () => {
    const { api, calls } = fakeApi({ pulls: { 'acme/shop#203': addEuCheckout } })
    await revertSituation(buttonRevert({ body: 'Reverts #203, not what the branch says', head: { ref: 'revert-190-x' } }), live, where, api)
    expect(calls).toEqual(['pull acme/shop#203'])
  })

  it('files a `git revert` pull request through the pull request of the commit its body names, given whole', async () => {
    const { api, calls } = fakeApi({ ofCommit: { [SHA]: addEuCheckout } })
    const revert = buttonRevert({
      body: `Revert "Add EU checkout"\n\nThis reverts commit ${SHA}.`,
      head: { ref: 'undo-eu-checkout' }
    })
    expect(await revertSituation(revert, live, where, api)).toEqual({
      ...filed,
      defaults: {
        ...filed.defaults,
        prNumber: { value: '203', source: 'GitHub API' },
        repoUrl: { value: 'https://github.com/acme/shop', source: 'GitHub API' }
      }
    })
    expect(calls).toEqual(['pull of 5a1b2c3'])
  })

  it("reads the revert's commits when its body and branch name nothing", async () => {
    const { api, calls } = fakeApi({
      commits: { 215: ['Fix typo', `Revert "Add EU checkout"\n\nThis reverts commit ${SHA}.\n`] },
      ofCommit: { [SHA]: addEuCheckout }
    })
    const found = await revertSituation(buttonRevert({ body: '', head: { ref: 'undo-eu-checkout' } }), live, where, api)
    expect(found).toMatchObject({ defaults: { prNumber: { value: '203' } }, thread: { number: 215, kind: 'pull request' } })
    expect(calls).toEqual(['commits of #215', 'pull of 5a1b2c3'])
  })

  it('asks nothing a backfill already listed: the commit from the branch list, the pull requests by number and commit', async () => {
    const backfill = { severityInput: false, backfill: true }
    const listed = { byNumber: new Map([[203, addEuCheckout]]), byCommit: new Map([[SHA, addEuCheckout]]) }
    const quiet = buttonRevert({ title: 'Back out EU checkout', body: 'Broke checkout.', head: { ref: 'back-out' } })
    for (const [revert, known] of [
      [buttonRevert(), listed],
      [quiet, { ...listed, commit: SHA }]
    ] as const) {
      const { api, calls } = fakeApi()
      expect(await revertSituation(revert, backfill, where, api, known)).toMatchObject({ defaults: { prNumber: { value: '203' } } })
      expect(calls).toEqual([])
    }
  })

  it("blames another repository's pull request in that repository, keeping the record on the revert", async () => {
    const payments = pull(88, {
      title: 'Switch card processor',
      html_url: 'https://github.com/acme/payments/pull/88',
      labels: [{ name: 'P1' }]
    })
    const { api, calls } = fakeApi({ pulls: { 'acme/payments#88': payments } })
    const found = await revertSituation(buttonRevert({ body: 'Reverts acme/payments#88' }), live, where, api)
    expect(found).toEqual({
      ...filed,
      defaults: {
        ...filed.defaults,
        prNumber: { value: '88', source: 'event' },
        repoUrl: { value: 'https://github.com/acme/payments', source: 'event' },
        description: { value: 'Reverted "Switch card processor" (acme/payments#88) by #215', source: 'GitHub API' },
        severity: { value: 'critical', source: 'GitHub API' }
      }
    })
    expect(calls).toEqual(['pull acme/payments#88'])
  })

  it("takes the revert's own severity label over the reverted pull request's", async () => {
    const { api } = fakeApi({ pulls: { 'acme/shop#203': addEuCheckout } })
    const found = await revertSituation(buttonRevert({ labels: [{ name: 'revert' }, { name: 'severity:critical' }] }), live, where, api)
    expect(found).toMatchObject({ defaults: { severity: { value: 'critical', source: 'event' } } })
  })

  it('shortens a long title, never the references, to fit 255 characters', async () => {
    const { api } = fakeApi({ pulls: { 'acme/shop#203': { ...addEuCheckout, title: 'Add EU checkout '.repeat(30) } } })
    const found = await revertSituation(buttonRevert(), live, where, api)
    const description = 'defaults' in found ? (found.defaults.description?.value ?? '') : ''
    expect(description).toHaveLength(255)
    expect(description).toMatch(/^Reverted "Add EU checkout Add EU .*…" \(#203\) by #215$/)
  })
})

describe('what is not an incident is skipped with a notice', () => {
  it.each<[string, Pull, Parameters<typeof fakeApi>[0], string, string[]]>([
    [
      'a pull request closed without merging',
      buttonRevert({ merged_at: null }),
      {},
      'Pull request https://github.com/acme/shop/pull/215 was closed without being merged: no incident.',
      []
    ],
    [
      'a merged pull request that reverts nothing',
      pull(71, { title: 'Cache tax rates per region', body: 'Caches tax rates for 5 minutes.', head: { ref: 'tax-cache' } }),
      { commits: { 71: ['Cache tax rates', 'Review fixes'] } },
      'Pull request https://github.com/acme/shop/pull/71 was merged and reverts nothing: no incident (a merged revert files the change it reverts).',
      ['commits of #71']
    ],
    [
      'a revert of a commit no pull request has',
      buttonRevert({ body: `This reverts commit ${SHA}.`, head: { ref: 'undo' } }),
      {},
      'Pull request https://github.com/acme/shop/pull/215 reverts commit 5a1b2c3, which belongs to no pull request: nothing to blame, no incident.',
      ['pull of 5a1b2c3']
    ],
    [
      'a pull request that reverts a commit of its own branch (work undone before the merge), named in its body',
      pull(71, { title: 'Cache tax rates', body: `This reverts commit ${SHA}.`, head: { ref: 'tax-cache' } }),
      { ofCommit: { [SHA]: pull(71) } },
      'Pull request https://github.com/acme/shop/pull/71 reverts commit 5a1b2c3 of its own branch: work undone before the merge, not a change that failed, so no incident.',
      ['pull of 5a1b2c3']
    ],
    [
      'a pull request that reverts a commit of its own branch, found in its commits',
      pull(71, { title: 'Cache tax rates', body: 'Caches tax rates.', head: { ref: 'tax-cache' } }),
      { commits: { 71: ['WIP', `Revert "WIP"\n\nThis reverts commit ${SHA}.`] }, ofCommit: { [SHA]: pull(71) } },
      'Pull request https://github.com/acme/shop/pull/71 reverts commit 5a1b2c3 of its own branch: work undone before the merge, not a change that failed, so no incident.',
      ['commits of #71', 'pull of 5a1b2c3']
    ],
    [
      "a revert of a revert, by its title (the Revert button's re-land)",
      buttonRevert({
        title: 'Revert "Revert "Add EU checkout""',
        body: 'Reverts acme/shop#214',
        head: { ref: 'revert-214-revert-203-add-eu-checkout' }
      }),
      {},
      'Pull request https://github.com/acme/shop/pull/215 reverts a revert (#214): a re-land, not an incident.',
      []
    ],
    [
      'a revert of a revert, by what the reverted pull request says of itself',
      buttonRevert({ title: 'Re-land EU checkout', body: 'Reverts acme/shop#214', head: { ref: 'reland' } }),
      { pulls: { 'acme/shop#214': pull(214, { title: 'Undo EU checkout', body: `This reverts commit ${SHA}.` }) } },
      'Pull request https://github.com/acme/shop/pull/215 reverts #214, itself a revert: a re-land, not an incident.',
      ['pull acme/shop#214']
    ],
    [
      'a revert of a pull request that was never merged',
      buttonRevert(),
      { pulls: { 'acme/shop#203': { ...addEuCheckout, merged_at: null } } },
      'Pull request https://github.com/acme/shop/pull/215 reverts #203, which was never merged: no change went in, so no incident.',
      ['pull acme/shop#203']
    ],
    [
      'a revert merged into a release branch',
      buttonRevert({ base: { ref: 'release/2.4', repo: { full_name: 'acme/shop', default_branch: 'main' } } }),
      {},
      'Pull request https://github.com/acme/shop/pull/215 reverts #203 on release/2.4, not the default branch main: no incident (revert-branches: release/2.4 files reverts there).',
      []
    ],
    [
      'a revert with no severity label on it or on the reverted pull request',
      buttonRevert(),
      { pulls: { 'acme/shop#203': { ...addEuCheckout, labels: [{ name: 'checkout' }] } } },
      'Not filed. Revert https://github.com/acme/shop/pull/215 of #203 has no severity: add a label such as severity:high, sev1 or P2 to #203 (read afresh when the job is re-run), or set severity.',
      ['pull acme/shop#203']
    ]
  ])('%s', async (_what, revert, answers, skip, asked) => {
    const { api, calls } = fakeApi(answers)
    expect(await revertSituation(revert, live, where, api)).toEqual({ skip })
    expect(calls).toEqual(asked)
  })
})

describe('inputs that change what is filed', () => {
  it('files a revert into a branch revert-branches lists', async () => {
    const { api, calls } = fakeApi({ pulls: { 'acme/shop#203': addEuCheckout } })
    const revert = buttonRevert({ base: { ref: 'release/2.4', repo: { full_name: 'acme/shop', default_branch: 'main' } } })
    expect(await revertSituation(revert, { ...live, branches: ['hotfix', 'release/2.4'] }, where, api)).toEqual(filed)
    expect(calls).toEqual(['pull acme/shop#203'])
  })

  it('leaves the severity to the input when it is set, and to a backfill to list when it is not', async () => {
    const unlabelled = { ...addEuCheckout, labels: [] }
    const expected = {
      ...filed,
      defaults: { ...filed.defaults, severity: undefined },
      problems: [
        {
          field: 'severity',
          message:
            'Revert https://github.com/acme/shop/pull/215 of #203 has no severity: add a label such as severity:high, sev1 or P2 to #203 (read afresh when the job is re-run), or set severity.'
        }
      ]
    }
    for (const options of [{ severityInput: true }, { severityInput: false, backfill: true }]) {
      const { api } = fakeApi({ pulls: { 'acme/shop#203': unlabelled } })
      expect(await revertSituation(buttonRevert(), options, where, api)).toEqual(expected)
    }
  })
})

describe('reading "Reverts #N" and the branch', () => {
  it.each([
    ['Reverts acme/shop#203', { number: 203, repository: 'acme/shop' }],
    ['reverts   #12.', { number: 12, repository: undefined }],
    ['Some context.\n\nReverts my-org/my.repo#7\n', { number: 7, repository: 'my-org/my.repo' }],
    ['Reverts #0', undefined],
    ['Unreverts #12', undefined],
    ['Reverts the change in #12', undefined]
  ])('%j gives %j', (body, reverted) => {
    expect(revertedIn({ body, head: { ref: 'main' } })).toEqual(reverted)
  })

  it('reads revert-N-… branches only', () => {
    expect(revertedIn({ body: null, head: { ref: 'revert-203-add-eu-checkout' } })).toEqual({ number: 203 })
    expect(revertedIn({ body: null, head: { ref: 'revert-checkout' } })).toBeUndefined()
    expect(revertedIn({ body: null, head: { ref: 'revert-0-x' } })).toBeUndefined()
  })

  it('reads hostile 64 KiB bodies in linear time', () => {
    const bodies = [
      `Reverts ${'a'.repeat(65_536)}`,
      'Reverts acme/'.repeat(5_000),
      `Reverts ${' '.repeat(65_536)}#`,
      `Reverts ${'a-'.repeat(32_768)}/x#`,
      'reverts '.repeat(8_000),
      `This reverts commit ${'a'.repeat(65_536)}`
    ]
    const ref = `revert-${'1'.repeat(65_536)}`
    const used = cpuMs(() => {
      for (const body of bodies) {
        expect(revertedIn({ body, head: { ref } })).toBeUndefined()
        expect(revertedCommit(body)).toBeUndefined()
      }
    })
    // A quadratic reading of any of them takes seconds.
    expect(used).toBeLessThan(LINEAR_CPU_MS)
  })
})

describe('when GitHub will not give the reverted pull request', () => {
  let server: Server
  let routes: Parameters<typeof githubApi>[0] = {}
  beforeAll(async () => {
    server = await startServer((req, res, n) => githubApi(routes)(req, res, n))
    // @actions/github reads the API URL when it is first loaded, which GitHubApi delays until a call.
    process.env.GITHUB_API_URL = server.url
  })
  afterAll(() => server.close())

  const denied = () => [403, { message: 'Resource not accessible by integration', status: '403' }]

  it.each([
    [
      403,
      denied,
      "Could not read pull request acme/shop#203: GitHub answered 403 Resource not accessible by integration (the token lacks a permission). Add `pull-requests: read` to the job's `permissions:`"
    ],
    [
      404,
      undefined,
      "Could not read pull request acme/shop#203: GitHub answered 404 Not Found (not found, which is also how GitHub answers a token without access). Add `pull-requests: read` to the job's `permissions:`"
    ]
  ])('%d on the pulls endpoint fails naming pull-requests: read', async (status, route, message) => {
    routes = route ? { '/repos/acme/shop/pulls/203': route } : {}
    server.requests.length = 0
    const failure = revertSituation(buttonRevert(), live, where, new GitHubApi('ghs_t', { owner: 'acme', repo: 'shop' }))
    await expect(failure).rejects.toMatchObject({ name: 'GitHubApiError', message, status })
    expect(server.requests.map(r => `${r.method} ${r.url}`)).toEqual(['GET /repos/acme/shop/pulls/203'])
  })

  it('says a pull request of another repository needs a token that can read it', async () => {
    routes = {}
    server.requests.length = 0
    const revert = buttonRevert({ body: 'Reverts acme/payments#88' })
    const failure = revertSituation(revert, live, where, new GitHubApi('ghs_t', { owner: 'acme', repo: 'shop' }))
    await expect(failure).rejects.toThrow(
      "Could not read pull request acme/payments#88: GitHub answered 404 Not Found (not found, which is also how GitHub answers a token without access). Add `pull-requests: read` to the job's `permissions:`. Pull request acme/payments#88 is in another repository: the workflow's own token reads only acme/shop, so pass a github-token that can read acme/payments"
    )
    expect(server.requests.map(r => `${r.method} ${r.url}`)).toEqual(['GET /repos/acme/payments/pulls/88'])
  })
})

describe('the built action on a closed pull request (Node 24)', () => {
  const hivelServer = useHivel()
  // A revert of each kind (the Revert button, `git revert` in the body, `git revert` only in a commit) and two undos.
  const plan = revertHistory({ since: '2026-11-01T00:00:00Z', until: '2026-11-30T00:00:00Z', merged: 36, reverts: 3, undos: 2 })
  const closed = (number: number) => {
    const pull_request = plan.history.pullRequests.find(p => p.number === number)
    return runOnHistory(plan.history, hivelServer.url, {
      eventName: 'pull_request',
      event: { action: 'closed', number, pull_request },
      inputs: { record: 'false' }
    })
  }
  const path = (url: string) => url.replace(`GET /repos/${REPO}`, '').split('?')[0]
  const merge = (n: number) => plan.history.pullRequests.find(p => p.number === n)?.merge_commit_sha

  it.each([
    ['the Revert button', 0, (n: number) => [`/pulls/${n}`]],
    ['`git revert` in the body', 1, (n: number) => [`/commits/${merge(n)}/pulls`]],
    ['`git revert` only in a commit', 2, (n: number, revert: number) => [`/pulls/${revert}/commits`, `/commits/${merge(n)}/pulls`]]
  ])(
    "files a revert by %s, reading the reverted pull request once and the revert's commits only when nothing else names it",
    async (_kind, i, asked) => {
      const { number, reverts } = plan.reverts[i]
      const { result, github } = await closed(number)
      expect(result.code).toBe(0)
      expect(hivelServer.requests.map(r => r.json)).toEqual([
        expect.objectContaining({ provider_id: `${REPO}/pull/${number}`, pr_number: String(reverts) })
      ])
      expect(github.asked().map(path)).toEqual(asked(reverts, number))
    }
  )

  it.each(plan.undos)('files nothing for #%i, which reverts a commit of its own branch', async number => {
    const { result, github } = await closed(number)
    expect(result.code).toBe(0)
    expect(hivelServer.requests).toEqual([])
    expect(result.shown).toContain(`Pull request https://github.com/${REPO}/pull/${number} reverts commit`)
    expect(result.shown).toContain('of its own branch: work undone before the merge, not a change that failed, so no incident.')
    expect(github.asked().map(path)).toEqual([`/pulls/${number}/commits`, `/commits/${commitSha(number, 1)}/pulls`])
  })
})
