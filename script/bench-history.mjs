/**
 * The GitHub history the benchmark serves from script/history-stand-in.mjs, shaped and sized as
 * GitHub's REST API answers (each run, issue and comment carries its repository, user and URL
 * fields), so that parsing and memory are measured on what a runner really receives.
 */
import { REPO } from './run-action.mjs'
import { runOf } from './history-stand-in.mjs'

const API = `https://api.github.com/repos/${REPO}`
const sha = (/** @type {number} */ n) => `${n}`.padStart(40, 'a')

/** A user as GitHub embeds one in runs, issues and comments. */
function user(/** @type {string} */ login, /** @type {number} */ id) {
  const url = `https://api.github.com/users/${login}`
  return {
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: false
  }
}

const REPO_URLS = [
  'forks',
  'keys{/key_id}',
  'collaborators{/collaborator}',
  'teams',
  'hooks',
  'issues/events{/number}',
  'events',
  'assignees{/user}',
  'branches{/branch}',
  'tags',
  'git/blobs{/sha}',
  'git/tags{/sha}',
  'git/refs{/sha}',
  'git/trees{/sha}',
  'statuses/{sha}',
  'languages',
  'stargazers',
  'contributors',
  'subscribers',
  'subscription',
  'commits{/sha}',
  'git/commits{/sha}',
  'comments{/number}',
  'issues/comments{/number}',
  'contents/{+path}',
  'compare/{base}...{head}',
  'merges',
  '{archive_format}{/ref}',
  'downloads',
  'issues{/number}',
  'pulls{/number}',
  'milestones{/number}',
  'notifications{?since,all,participating}',
  'labels{/name}',
  'releases{/id}',
  'deployments'
]

/** The repository as GitHub embeds it in each run (twice: repository and head_repository). */
const repository = {
  id: 719372465,
  node_id: 'R_kgDOKuDesQ',
  name: REPO.split('/')[1],
  full_name: REPO,
  private: true,
  owner: { ...user(REPO.split('/')[0], 80001), type: 'Organization' },
  html_url: `https://github.com/${REPO}`,
  description: 'Checkout and payments service',
  fork: false,
  url: API,
  ...Object.fromEntries(
    REPO_URLS.map(path => [`${path.replace(/\{.*$/, '').replace(/\/$/, '').replace(/\//g, '_') || 'archive'}_url`, `${API}/${path}`])
  )
}

/**
 * A run of the deploy workflow as GitHub lists it: the stand-in's fields and everything else a
 * runs page carries.
 * @param {number} id
 * @param {string} conclusion
 * @param {string} finished ISO time
 */
export function run(id, conclusion, finished) {
  const base = runOf(id, conclusion, finished)
  const url = `${API}/actions/runs/${id}`
  return {
    ...base,
    node_id: `WFR_kwLOKuDesc8AAAAB${id}`,
    display_title: `Deploy ${base.head_sha.slice(0, 7)}`,
    path: '.github/workflows/deploy.yml',
    run_number: id,
    event: 'push',
    check_suite_id: 20_000_000 + id,
    check_suite_node_id: `CS_kwDOKuDesc8AAAAE${id}`,
    url,
    run_started_at: base.created_at,
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${API}/check-suites/${20_000_000 + id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${API}/actions/workflows/7`,
    referenced_workflows: [],
    actor: user('mona', 90001),
    triggering_actor: user('mona', 90001),
    head_commit: {
      id: base.head_sha,
      tree_id: sha(id + 7),
      message: `Merge pull request #${id} from acme/change-${id}\n\nShip change ${id}`,
      timestamp: base.created_at,
      author: { name: 'Mona Lisa', email: 'mona@example.com' },
      committer: { name: 'GitHub', email: 'noreply@github.com' }
    },
    repository,
    head_repository: repository
  }
}

/** No reactions, as GitHub writes that on a comment or an issue. */
const reactions = (/** @type {string} */ url) => ({
  url,
  total_count: 0,
  '+1': 0,
  '-1': 0,
  laugh: 0,
  hooray: 0,
  confused: 0,
  heart: 0,
  rocket: 0,
  eyes: 0
})

/** A comment on an issue or pull request, as the comments list returns it. */
function comment(/** @type {number} */ thread, /** @type {number} */ id) {
  return {
    id,
    node_id: `IC_kwDOKuDesc6${id}`,
    url: `${API}/issues/comments/${id}`,
    html_url: `https://github.com/${REPO}/issues/${thread}#issuecomment-${id}`,
    issue_url: `${API}/issues/${thread}`,
    user: user('hubot', 90002),
    created_at: '2026-10-01T10:00:00Z',
    updated_at: '2026-10-01T10:00:00Z',
    author_association: 'MEMBER',
    body: `Looked into this: the rollout of ${thread} went out before the migration finished. Follow-up in the runbook.`,
    reactions: reactions(`${API}/issues/comments/${id}/reactions`),
    performed_via_github_app: null
  }
}

/** `count` comments on a thread, oldest first. */
const thread = (/** @type {number} */ number, /** @type {number} */ count) =>
  Array.from({ length: count }, (_, i) => comment(number, number * 10 + i))

/** A closed incident issue, as the issues list returns it. */
function issue(/** @type {number} */ number, /** @type {string} */ closed, /** @type {number} */ comments, /** @type {number} */ pr) {
  const url = `${API}/issues/${number}`
  const label = (/** @type {string} */ name, /** @type {number} */ id) => ({
    id,
    node_id: `LA_kwDOKuDesc8AAAAB${id}`,
    url: `${API}/labels/${name}`,
    name,
    color: 'd73a4a',
    default: false,
    description: ''
  })
  return {
    url,
    repository_url: API,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `https://github.com/${REPO}/issues/${number}`,
    id: 3_000_000 + number,
    node_id: `I_kwDOKuDesc6${number}`,
    number,
    title: `Checkout errors after deploy (${number})`,
    user: user('mona', 90001),
    labels: [label('incident', 1), label(['sev1', 'sev2', 'sev3'][number % 3], 2 + (number % 3))],
    state: 'closed',
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments,
    created_at: new Date(Date.parse(closed) - (1 + (number % 6)) * 3_600_000).toISOString().replace('.000Z', 'Z'),
    updated_at: closed,
    closed_at: closed,
    author_association: 'MEMBER',
    type: null,
    active_lock_reason: null,
    body: `Customers see 502s at checkout.\n\nCaused by #${pr}\n\nAffected: checkout, payments`,
    closed_by: user('mona', 90001),
    reactions: reactions(`${url}/reactions`),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: 'completed'
  }
}

/**
 * The recovery path: the deploy workflow succeeds on main after two failed runs with a cancelled
 * one between them; 200 runs of history, the pull request that broke it has a few comments.
 */
export function recoveryHistory() {
  const finished = (/** @type {number} */ age) =>
    new Date(Date.parse('2026-11-26T13:12:00Z') - age * 3_600_000).toISOString().replace('.000Z', 'Z')
  const recent = [
    run(1200, 'success', finished(0)),
    run(1199, 'failure', finished(1)),
    run(1198, 'cancelled', finished(2)),
    run(1197, 'failure', finished(3))
  ]
  const older = Array.from({ length: 196 }, (_, i) => run(1196 - i, i % 9 === 4 ? 'failure' : 'success', finished(4 + i * 3)))
  const comments = { 512: thread(512, 4) }
  return {
    history: { runs: [...recent, ...older], pulls: { [recent[3].head_sha]: 512 }, comments },
    event: {
      action: 'completed',
      workflow_run: recent[0],
      workflow: { id: 7, name: 'Deploy', path: '.github/workflows/deploy.yml' },
      repository,
      sender: user('mona', 90001)
    }
  }
}

/** Runs, oldest first within each group of four: every group is one outage, recovered by its first success. */
const GROUPS = [
  ['failure', 'success', 'success', 'success'],
  ['failure', 'failure', 'success', 'success'],
  ['failure', 'cancelled', 'failure', 'success'],
  ['timed_out', 'success', 'success', 'success'],
  ['failure', 'failure', 'failure', 'success']
]

/**
 * A backfill of about four months: 250 closed incident issues (half with comments), 250 outages of
 * the deploy workflow over 1,000 runs on main, each outage blaming its own pull request (most with a
 * few comments), and 2,000 merged pull requests with 100 reverts of the three kinds and 20 undos of
 * a commit of their own branch (see revertHistory).
 */
export function backfillHistory() {
  const since = Date.parse('2026-08-01T00:00:00Z')
  const until = Date.parse('2026-11-27T00:00:00Z')
  const step = (until - since - 3_600_000) / 1000
  const at = (/** @type {number} */ ms) => new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
  /** @type {ReturnType<typeof run>[]} */
  const runs = []
  /** @type {Record<string, number>} */
  const pulls = {}
  /** @type {Record<number, ReturnType<typeof comment>[]>} */
  const comments = {}
  for (let g = 0; g < 250; g++) {
    GROUPS[g % GROUPS.length].forEach((conclusion, k) => {
      const i = g * 4 + k
      runs.push(run(10_000 + i, conclusion, at(since + 3_600_000 + i * step)))
    })
    // The first failure of the group: its commit's pull request is the one blamed.
    const pr = 1001 + g
    pulls[sha(10_000 + g * 4)] = pr
    comments[pr] = thread(pr, g % 4)
  }
  const issues = Array.from({ length: 250 }, (_, j) => {
    const number = 2001 + j
    const count = j % 2 ? 1 + (j % 5) : 0
    if (count) comments[number] = thread(number, count)
    return issue(number, at(since + 5 * 3_600_000 + j * ((until - since - 10 * 3_600_000) / 250)), count, 3001 + j)
  })
  const reverts = revertHistory({ since: at(since), until: at(until), merged: 2000, reverts: 100, undos: 20 })
  return {
    history: {
      workflows: [{ id: 7, name: 'Deploy', path: '.github/workflows/deploy.yml' }],
      runs: runs.reverse(),
      issues: issues.reverse(),
      pulls,
      ...reverts.history,
      pullRequests: reverts.history.pullRequests.map(asListed),
      comments,
      // Enough budget for the whole backfill (a repository's GITHUB_TOKEN gets 1,000 an hour; Enterprise Cloud 15,000).
      rateLimit: { remaining: 15_000, reset: Math.floor(Date.now() / 1000) + 3600 }
    },
    inputs: {
      'backfill-since': at(since),
      'backfill-until': at(until),
      'backfill-workflows': 'deploy.yml'
    },
    incidents: 500 + reverts.reverts.length,
    what: `${500 + reverts.reverts.length} incidents: 250 closed incident issues, 250 outages over 1,000 runs, ${reverts.reverts.length} reverts among 2,000 merged pull requests`
  }
}

/** A pull request as GitHub lists it: the fields revertHistory gives and everything else a pulls page carries. */
function asListed(/** @type {import('./history-stand-in.mjs').PullData} */ pull) {
  const url = `${API}/pulls/${pull.number}`
  const side = (/** @type {{ ref: string, sha?: string }} */ end) => ({
    label: `${REPO.split('/')[0]}:${end.ref}`,
    ref: end.ref,
    sha: end.sha ?? sha(pull.number),
    user: repository.owner,
    repo: repository
  })
  return {
    url,
    id: 2_000_000_000 + pull.number,
    node_id: `PR_kwDOKuDesc6${pull.number}`,
    diff_url: `${pull.html_url}.diff`,
    patch_url: `${pull.html_url}.patch`,
    issue_url: `${API}/issues/${pull.number}`,
    locked: false,
    created_at: pull.updated_at,
    closed_at: pull.updated_at,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    milestone: null,
    draft: false,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    comments_url: `${API}/issues/${pull.number}/comments`,
    statuses_url: `${API}/statuses/${pull.head.sha}`,
    author_association: 'MEMBER',
    auto_merge: null,
    active_lock_reason: null,
    ...pull,
    user: user(pull.user.login, 90001),
    labels: pull.labels.map((label, i) => ({ id: 7000 + i, node_id: `LA_kwDOKuDesc8${i}`, url: `${API}/labels/${label.name}`, ...label })),
    head: side(pull.head),
    base: { ...side(pull.base), repo: { ...repository, default_branch: pull.base.repo.default_branch } },
    _links: {
      self: { href: url },
      html: { href: pull.html_url },
      issue: { href: `${API}/issues/${pull.number}` },
      comments: { href: `${API}/issues/${pull.number}/comments` },
      review_comments: { href: `${url}/comments` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${API}/statuses/${pull.head.sha}` }
    }
  }
}

/** A commit sha of pull request n: 0 its merge (or squashed) commit on the branch it went into, k ≥ 1 its own k-th commit. */
export const commitSha = (/** @type {number} */ n, /** @type {number} */ k) => `${n}`.padStart(20, 'c') + `${k}`.padStart(20, 'd')

/**
 * The closed pull requests and main's commits of a window of merged pull requests, as the pulls
 * and commits lists serve them, with reverts of the three kinds GitHub histories hold: GitHub's
 * Revert button ("Reverts owner/repo#N", a revert-N-… branch), `git revert` with its message in
 * the body, and `git revert` only in a commit (title, body and branch say nothing). A quarter of
 * the reverts revert a pull request merged before the window. Some pull requests undo a commit of
 * their own branch before they are merged (no incident), and some are closed unmerged. Merges
 * alternate between a squash (one commit on main) and a merge commit (the branch's commits and
 * the merge on main). Every number and time is fixed, so runs ask exactly the same requests.
 * @param {{ since: string, until: string, merged: number, reverts: number, undos: number, first?: number }} plan
 *   merged: pull requests merged in the window, reverts and undos among them; first: the first number
 * @returns the history for the stand-in; each revert's number and the number it reverts; the undos' numbers
 */
export function revertHistory({ since, until, merged, reverts, undos, first = 5001 }) {
  const start = Date.parse(since)
  const step = (Date.parse(until) - start) / (merged + 1)
  const at = (/** @type {number} */ ms) => new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
  /** @type {import('./history-stand-in.mjs').PullData[]} */
  const pulls = []
  /** @type {Record<number, import('./history-stand-in.mjs').CommitData[]>} */
  const pullCommits = {}
  /** @type {import('./history-stand-in.mjs').CommitData[]} */
  const main = []
  const commit = (/** @type {string} */ sha, /** @type {string} */ message, /** @type {number} */ ms) => ({
    sha,
    commit: { message, committer: { date: at(ms) } }
  })
  let number = first
  /**
   * A pull request merged (or, with merged false, closed) at ms, its commits and what it put on main.
   * @param {number} ms
   * @param {{ title: string, body: string, branch: string, messages: string[], squash: boolean, merged?: boolean, labels?: string[] }} pr
   */
  const add = (ms, { title, body, branch, messages, squash, merged = true, labels = [] }) => {
    const n = number++
    const own = messages.map((message, k) => commit(commitSha(n, k + 1), message, ms - (messages.length - k) * 600_000))
    pullCommits[n] = own
    const [subject, ...rest] = messages[0].split('\n')
    // GitHub's squash message: a single commit's own message, or the title and every commit's message.
    const squashed = messages.length === 1 ? [subject, rest.join('\n').trim()] : [title, messages.map(m => `* ${m}`).join('\n\n')]
    if (merged && squash) main.push(commit(commitSha(n, 0), `${squashed[0]} (#${n})\n\n${squashed[1]}`.trim(), ms))
    if (merged && !squash)
      main.push(...own, commit(commitSha(n, 0), `Merge pull request #${n} from ${REPO.split('/')[0]}/${branch}\n\n${title}`, ms))
    pulls.push({
      number: n,
      html_url: `https://github.com/${REPO}/pull/${n}`,
      title,
      body,
      state: 'closed',
      updated_at: at(ms),
      merged_at: merged ? at(ms) : null,
      merge_commit_sha: merged ? commitSha(n, 0) : null,
      user: { login: 'mona' },
      labels: labels.map(name => ({ name })),
      head: { ref: branch, sha: own[own.length - 1].sha },
      base: { ref: 'main', repo: { full_name: REPO, default_branch: 'main' } }
    })
    return n
  }
  const change = (/** @type {number} */ ms, /** @type {number} */ i) =>
    add(ms, {
      title: `Change ${i}`,
      body: `Ships change ${i}.`,
      branch: `change-${i}`,
      messages: [`Change ${i}`, `Review fixes for change ${i}`],
      squash: i % 2 === 0
    })
  // Reverted by a quarter of the reverts: merged before the window, so neither list holds them.
  const older = Array.from({ length: Math.ceil(reverts / 4) }, (_, i) => change(start - (i + 1) * step, i))
  /** Plain changes merged in the window, the others reverted. */
  const changes = []
  const every = Math.floor(merged / reverts)
  /** @type {{ number: number, reverts: number }[]} */
  const reverted = []
  /** @type {number[]} */
  const undone = []
  for (let i = 0; i < merged; i++) {
    const ms = start + (i + 1) * step
    const j = Math.floor(i / every)
    if (i % every === every - 1 && j < reverts) {
      const target = j % 4 === 3 ? older[Math.floor(j / 4)] : changes[changes.length - 2]
      const title = pulls.find(p => p.number === target)?.title
      const message = `Revert "${title}"\n\nThis reverts commit ${commitSha(target, 0)}.`
      const squash = j % 2 === 0
      const labels = j % 2 ? ['severity:high'] : []
      const kinds = [
        { title: `Revert "${title}"`, body: `Reverts ${REPO}#${target}`, branch: `revert-${target}-change`, messages: [message] },
        { title: `Revert "${title}"`, body: message, branch: `undo-${target}`, messages: [message] },
        // A later commit on the branch: the revert is neither its merge nor its head.
        {
          title: `Back out ${title}`,
          body: 'Checkout broke in the EU.',
          branch: `back-out-${target}`,
          messages: [message, 'Keep the new config key']
        }
      ]
      reverted.push({ number: add(ms, { ...kinds[j % 3], squash, labels }), reverts: target })
    } else if (i % every === Math.floor(every / 2) && undone.length < undos) {
      const n = number
      const wip = `Revert "WIP: cache per region"\n\nThis reverts commit ${commitSha(n, 1)}.`
      undone.push(
        add(ms, {
          title: `Cache tax rates ${i}`,
          // One in three says so in its body too, as a revert's body would.
          body: undone.length % 3 === 2 ? wip : 'Caches tax rates per region.',
          branch: `tax-cache-${i}`,
          messages: ['WIP: cache per region', wip, 'Cache tax rates per region'],
          squash: undone.length % 2 === 0
        })
      )
    } else changes.push(change(ms, i))
    if (i % 10 === 5)
      add(ms + step / 2, { title: `Try ${i}`, body: '', branch: `try-${i}`, messages: [`Try ${i}`], squash: true, merged: false })
  }
  const newest = (/** @type {{ at: string }} */ a, /** @type {{ at: string }} */ b) => Date.parse(b.at) - Date.parse(a.at)
  return {
    history: {
      pullRequests: pulls
        .map(p => ({ p, at: p.updated_at }))
        .sort(newest)
        .map(x => x.p),
      pullCommits,
      commits: {
        main: main
          .map(c => ({ c, at: c.commit.committer.date }))
          .sort(newest)
          .map(x => x.c)
      }
    },
    reverts: reverted,
    undos: undone
  }
}
