/**
 * The GitHub API reads and writes the action makes: defaults for one incident, the history an
 * outage is read from, and the record of what was filed. Octokit is loaded only when a call is
 * made, so a run with every input given never pays for it. Only github-token is sent here.
 *
 * GitHub's rate limit is a budget shared by the repository's workflows: lists are read in pages of
 * 100, a commit's pull request is asked once, and every answer's x-ratelimit-* headers pace the next
 * request (waiting for the reset when it is near, stopping with RateLimitError when it is not).
 */
import * as core from '@actions/core'
import { clean } from './redact.js'

type Octokit = ReturnType<(typeof import('@actions/github'))['getOctokit']>

/** The repository the run belongs to, from GITHUB_REPOSITORY. */
export interface Repo {
  owner: string
  repo: string
}

/** A job of a workflow run, as far as the defaults need it. */
export interface Job {
  name: string
  conclusion: string | null
  started_at: string
  completed_at: string | null
}

/** A workflow run (or one attempt of it), as far as outages need it. */
export interface Run {
  id: number
  name?: string | null
  run_attempt?: number
  status?: string | null
  conclusion?: string | null
  head_branch?: string | null
  head_sha: string
  html_url: string
  created_at: string
  updated_at: string
  run_started_at?: string
  workflow_id?: number
  pull_requests?: { number: number }[] | null
  actor?: { login: string } | null
  triggering_actor?: { login: string } | null
}

/** A deployment, and its latest status once read. */
export interface Deployment {
  id: number
  sha: string
  environment: string
  created_at: string
  creator?: { login: string } | null
}

/** A deployment status. */
export interface DeploymentStatus {
  id?: number
  state: string
  created_at: string
  description?: string | null
  environment?: string
  target_url?: string | null
  log_url?: string | null
  creator?: { login: string } | null
}

/** A comment on an issue or pull request. */
export interface Comment {
  id: number
  body?: string
  html_url: string
  user?: { login: string } | null
}

/** The ledger's ref, outside the branches: in no branch list, no ruleset, and it starts no workflow. */
export const LEDGER_REF = 'refs/hivel/incidents'
/** The ledger's one file on that ref. */
export const LEDGER_FILE = 'incidents.json'

/** An issue (or pull request) as the issues API lists it. */
export interface Issue {
  number: number
  html_url: string
  title: string
  body?: string | null
  created_at: string
  closed_at?: string | null
  state_reason?: string | null
  comments?: number
  user?: { login: string } | null
  labels?: ({ name: string } | string)[]
  pull_request?: unknown
}

/** A pull request, as far as reverts and records need it. */
export interface Pull {
  number: number
  html_url: string
  title: string
  body?: string | null
  merged_at?: string | null
  updated_at?: string
  merge_commit_sha?: string | null
  user?: { login: string } | null
  labels?: ({ name: string } | string)[]
  head?: { ref: string }
  base?: { ref: string; repo?: { full_name?: string; default_branch?: string } }
}

/** A failed GitHub API call, worded as what the user can do about it. */
export class GitHubApiError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message)
    this.name = 'GitHubApiError'
  }
}

/** github-token is empty, so nothing can be asked. */
export class MissingTokenError extends GitHubApiError {}

/** The rate limit is used up and resets later than the action may wait: stop, and say when to resume. */
export class RateLimitError extends GitHubApiError {}

/** A page of a list that was not a list (null, an object): read as an error, never as "no items". */
const notAList = (what: string) => new GitHubApiError(`Could not ${what}: the GitHub API answered a page that is not a list`, 502)

/** Octokit's RequestError, as far as the wording needs it. */
interface RequestFailure {
  status?: number
  message: string
  response?: { status: number; headers: Record<string, string | number | undefined>; data?: unknown }
}

/** Why a call failed, in words: a permission to add, a rate limit, a time-out or the network. */
export function explainFailure(error: unknown, permission: string, timeoutSeconds: number): string {
  const failure = error as RequestFailure
  const response = failure.response
  if (!response) {
    // Octokit reports a refused connection or a time-out as status 500 without a response.
    const causes = causeChain(error)
    if (causes.some(c => c.name === 'TimeoutError') || /timeout/i.test(failure.message)) {
      return `the GitHub API did not answer within ${timeoutSeconds} s`
    }
    // fetch wraps what happened several causes deep; a proxy's refusal is the one worth naming.
    const proxy = causes.map(c => /Proxy response \((\d+)\)/.exec(c.message ?? '')?.[1]).find(Boolean)
    if (proxy)
      return `the proxy refused the tunnel to the GitHub API with HTTP ${proxy}; allow the GitHub API host through the proxy, or add it to NO_PROXY`
    return `the GitHub API could not be reached (${clean(causes[causes.length - 1]?.message ?? failure.message, [])})`
  }
  const said = clean(githubMessage(response.data) ?? failure.message, [], 300)
  if ((response.status === 403 || response.status === 429) && String(response.headers['x-ratelimit-remaining']) === '0') {
    return `GitHub's API rate limit for this token is used up (${response.status})`
  }
  // A locked conversation refuses comments whatever the permissions: no permission to blame.
  if (response.status === 403 && /\blocked\b/i.test(said)) return `GitHub answered 403 ${said} (the conversation is locked)`
  if (response.status === 401) return `GitHub rejected github-token (401 ${said}); pass github-token: \${{ github.token }}`
  if (response.status === 403 || response.status === 404) {
    const meaning =
      response.status === 403 ? 'the token lacks a permission' : 'not found, which is also how GitHub answers a token without access'
    return `GitHub answered ${response.status} ${said} (${meaning}). Add \`${permission}\` to the job's \`permissions:\``
  }
  return `GitHub answered ${response.status} ${said}`
}

/** An error and the causes beneath it, outermost first (bounded, in case of a cycle). */
function causeChain(error: unknown): { name?: string; message?: string }[] {
  const chain: { name?: string; message?: string }[] = []
  for (let e = error as { name?: string; message?: string; cause?: unknown } | undefined; e && chain.length < 8; e = e.cause as typeof e)
    chain.push(e)
  return chain
}

function githubMessage(data: unknown): string | undefined {
  const message = (data as { message?: unknown } | undefined)?.message
  return typeof message === 'string' && message ? message : undefined
}

/** How the client paces itself; injected by tests to make waits instant. */
export interface Pacing {
  /** The longest wait for a rate-limit reset, in seconds; a later reset stops with RateLimitError. */
  maxWaitSeconds: number
  sleep(ms: number): Promise<void>
  now(): number
}

const realPacing: Pacing = {
  maxWaitSeconds: 300,
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  now: () => Date.now()
}

/** Secondary rate limits are retried this often before the call fails. */
const SECONDARY_RETRIES = 2
const PAGE = 100

type Headers = Record<string, string | number | undefined>

/** A client that asks the GitHub API for what the event does not carry, and keeps the record. */
export class GitHubApi {
  private octokit?: Promise<Octokit>
  private readonly pullsOfCommit = new Map<string, Promise<number | undefined>>()
  private readonly pacing: Pacing
  /** The last rate-limit state GitHub reported. */
  private remaining?: number
  private resetAt?: number
  /** Requests made, for the log and the bench. */
  requests = 0

  /** The API's own origin: the only one github-token is sent to, whatever a Link header names. */
  private readonly origin: string
  private me?: Promise<string | undefined>

  constructor(
    private readonly token: string | undefined,
    readonly repo: Repo,
    private readonly timeoutSeconds = 30,
    pacing: Partial<Pacing> = {},
    apiUrl = process.env.GITHUB_API_URL || 'https://api.github.com'
  ) {
    this.pacing = { ...realPacing, ...pacing }
    this.origin = new URL(apiUrl).origin
  }

  private client(): Promise<Octokit> {
    if (!this.token) {
      throw new MissingTokenError('github-token is empty, so the GitHub API cannot be asked (pass github-token: ${{ github.token }})')
    }
    const token = this.token
    const ms = this.timeoutSeconds * 1000
    this.octokit ??= import('@actions/github').then(github => {
      const octokit = github.getOctokit(token)
      // Octokit waits forever by default; every request (each page too) gets the limit of a Hivel attempt.
      // Wrapped, so that pages read by paginate are paced like single requests.
      octokit.hook.wrap('request', async (request, options) => {
        // A next-page Link to another origin would carry the token there: refused, not followed.
        const target = /^https?:/i.test(options.url) ? new URL(options.url).origin : this.origin
        if (target !== this.origin)
          throw new GitHubApiError(`the GitHub API linked to ${target}, not its own origin ${this.origin}, so the token is not sent there`)
        for (let retry = 0; ; retry++) {
          await this.waitForBudget()
          this.requests++
          try {
            // In place: the hooks inside this one were bound to this very options object.
            options.request = { ...options.request, signal: AbortSignal.timeout(ms) }
            const response = await request(options)
            this.note(response.headers)
            // GitHub answers no GET with JSON null; Octokit would read it as an empty page.
            if (response.data === null) throw new GitHubApiError('the GitHub API answered null, not the JSON it sends', 502)
            return response
          } catch (error) {
            const headers = (error as RequestFailure).response?.headers
            if (headers) this.note(headers)
            const wait = this.secondaryWait(error as RequestFailure)
            if (wait === undefined || retry >= SECONDARY_RETRIES) throw error
            core.info(`GitHub asked to slow down (secondary rate limit); waiting ${Math.ceil(wait / 1000)} s.`)
            await this.pacing.sleep(wait)
          }
        }
      })
      return octokit
    })
    return this.octokit
  }

  private note(headers: Headers): void {
    const remaining = Number(headers['x-ratelimit-remaining'])
    const reset = Number(headers['x-ratelimit-reset'])
    if (Number.isFinite(remaining)) this.remaining = remaining
    if (Number.isFinite(reset)) this.resetAt = reset * 1000
  }

  /**
   * Makes sure n more requests can be made now (waiting for the reset when it is near), so that
   * what is reserved before a send can also be confirmed after it; otherwise RateLimitError.
   */
  async ensureBudget(n: number): Promise<void> {
    // What is left stays usable: a refused reservation must not also stop the confirmations before it.
    if (this.remaining !== undefined && this.remaining < n)
      await this.waitForReset(
        `only ${this.remaining} requests are left of GitHub's API rate limit, fewer than the ${n} a send and its record need`
      )
  }

  /** Before each request: waits for the reset when the budget is spent and the reset is near; otherwise stops. */
  private async waitForBudget(): Promise<void> {
    if (this.remaining === 0) await this.waitForReset("GitHub's API rate limit for this token is used up")
  }

  private async waitForReset(why: string): Promise<void> {
    if (this.resetAt === undefined) return
    const wait = this.resetAt - this.pacing.now() + 1000
    if (wait <= 0) return
    const at = new Date(this.resetAt).toISOString().replace(/\.\d+Z$/, 'Z')
    if (wait > this.pacing.maxWaitSeconds * 1000) {
      throw new RateLimitError(
        `${why} until it resets at ${at}, later than rate-limit-wait-seconds (${this.pacing.maxWaitSeconds}) allows waiting`
      )
    }
    core.info(`${why}; waiting ${Math.ceil(wait / 1000)} s for it to reset at ${at}.`)
    await this.pacing.sleep(wait)
    this.remaining = undefined
  }

  /** How long a secondary rate limit (403/429 with retry-after, or the primary one spent) asks to wait. */
  private secondaryWait(failure: RequestFailure): number | undefined {
    const response = failure.response
    if (!response || (response.status !== 403 && response.status !== 429)) return undefined
    const retryAfter = Number(response.headers['retry-after'])
    if (Number.isFinite(retryAfter)) return Math.min(retryAfter, this.pacing.maxWaitSeconds) * 1000
    // The primary limit: waitForBudget decides at the next try whether to wait or stop.
    return String(response.headers['x-ratelimit-remaining']) === '0' ? 0 : undefined
  }

  private async call<T>(what: string, permission: string, request: (octokit: Octokit) => Promise<T>): Promise<T> {
    const octokit = await this.client()
    core.debug(`GitHub API: ${what}`)
    try {
      return await request(octokit)
    } catch (error) {
      if (error instanceof RateLimitError) throw error
      // Refused by the request hook: already in words.
      if (error instanceof GitHubApiError) throw new GitHubApiError(`Could not ${what}: ${error.message}`, error.status)
      throw new GitHubApiError(
        `Could not ${what}: ${explainFailure(error, permission, this.timeoutSeconds)}`,
        (error as RequestFailure).response?.status
      )
    }
  }

  /** Every item of a list, page by page (100 each), newest first as GitHub serves them; stop by leaving the loop. */
  private async *pages<T>(what: string, permission: string, route: string, params: Record<string, unknown>): AsyncGenerator<T> {
    const octokit = await this.client()
    const iterator = octokit.paginate.iterator(route, { ...this.repo, ...params, per_page: PAGE })[Symbol.asyncIterator]()
    for (;;) {
      // Each page is a request of its own, worded on failure as any other.
      const page: IteratorResult<{ data: unknown }> = await this.call(what, permission, () => iterator.next())
      if (page.done) return
      if (!Array.isArray(page.value.data)) throw notAList(what)
      yield* page.value.data as T[]
    }
  }

  /**
   * The pull request a commit belongs to: the one whose merge produced it, else one that merged
   * it, else an open one. Asked once per commit.
   */
  pullRequestForCommit(sha: string): Promise<number | undefined> {
    let found = this.pullsOfCommit.get(sha)
    if (!found) {
      found = this.call(
        `find the pull request of commit ${sha.slice(0, 7)}`,
        'pull-requests: read',
        async o => (await o.rest.repos.listPullRequestsAssociatedWithCommit({ ...this.repo, commit_sha: sha })).data
      ).then(pulls => (pulls.find(p => p.merge_commit_sha === sha && p.merged_at) ?? pulls.find(p => p.merged_at) ?? pulls[0])?.number)
      this.pullsOfCommit.set(sha, found)
    }
    return found
  }

  /** The jobs of one attempt of a run. */
  async jobs(runId: number, attempt: number): Promise<Job[]> {
    return this.call(`list the jobs of run ${runId}`, 'actions: read', async o =>
      o.paginate(o.rest.actions.listJobsForWorkflowRunAttempt, { ...this.repo, run_id: runId, attempt_number: attempt, per_page: PAGE })
    )
  }

  /** One attempt of a run. */
  async runAttempt(runId: number, attempt: number): Promise<Run> {
    return this.call(
      `read attempt ${attempt} of run ${runId}`,
      'actions: read',
      async o =>
        (
          await o.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}', {
            ...this.repo,
            run_id: runId,
            attempt_number: attempt
          })
        ).data as Run
    )
  }

  /** A workflow's completed runs, newest first, optionally on one branch and created since a day. */
  workflowRuns(workflowId: number | string, branch: string | undefined, createdSince?: string): AsyncGenerator<Run> {
    return this.pages<Run>(
      `list the runs of workflow ${workflowId}`,
      'actions: read',
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      {
        workflow_id: workflowId,
        status: 'completed',
        ...(branch ? { branch } : {}),
        ...(createdSince ? { created: `>=${createdSince}` } : {})
      }
    )
  }

  /** The repository's workflows. */
  async workflows(): Promise<{ id: number; name: string; path: string }[]> {
    return this.call('list the workflows', 'actions: read', async o =>
      o.paginate('GET /repos/{owner}/{repo}/actions/workflows', { ...this.repo, per_page: PAGE })
    )
  }

  /** An environment's deployments, newest first. */
  deployments(environment: string): AsyncGenerator<Deployment> {
    return this.pages<Deployment>(`list the deployments to ${environment}`, 'deployments: read', 'GET /repos/{owner}/{repo}/deployments', {
      environment
    })
  }

  /** A deployment's latest status (GitHub lists statuses newest first). */
  async latestDeploymentStatus(id: number): Promise<DeploymentStatus | undefined> {
    return (await this.deploymentStatuses(id, 1))[0]
  }

  /**
   * The status with which a deployment succeeded, when its latest says only that a newer one replaced
   * it (inactive): the success is when it recovered, not the replacement.
   */
  async successStatus(id: number): Promise<DeploymentStatus | undefined> {
    return (await this.deploymentStatuses(id, PAGE)).find(s => s.state === 'success')
  }

  /** A deployment's newest statuses, newest first. */
  private deploymentStatuses(id: number, count: number): Promise<DeploymentStatus[]> {
    return this.call(
      `read the statuses of deployment ${id}`,
      'deployments: read',
      async o =>
        (
          await o.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
            ...this.repo,
            deployment_id: id,
            per_page: count
          })
        ).data as DeploymentStatus[]
    )
  }

  /** The repository's default branch. */
  async defaultBranch(): Promise<string> {
    return this.call('read the repository', 'contents: read', async o => (await o.rest.repos.get({ ...this.repo })).data.default_branch)
  }

  /** Closed issues with a label, updated since a time, newest first (pull requests left out). */
  async *closedIssues(label: string, since: string): AsyncGenerator<Issue> {
    for await (const issue of this.pages<Issue>(
      `list the closed issues labelled ${label}`,
      'issues: read',
      'GET /repos/{owner}/{repo}/issues',
      {
        state: 'closed',
        labels: label,
        since
      }
    )) {
      if (!issue.pull_request) yield issue
    }
  }

  /** Merged-or-not closed pull requests, most recently updated first. */
  closedPulls(): AsyncGenerator<Pull> {
    return this.pages<Pull>('list the closed pull requests', 'pull-requests: read', 'GET /repos/{owner}/{repo}/pulls', {
      state: 'closed',
      sort: 'updated',
      direction: 'desc'
    })
  }

  /** One pull request, of this repository or another. */
  async pull(number: number, repo: Repo = this.repo): Promise<Pull> {
    return this.call(
      `read pull request ${repo.owner}/${repo.repo}#${number}`,
      'pull-requests: read',
      async o => (await o.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: number })).data as Pull
    )
  }

  /** The commit messages of a pull request (the first 100 commits). */
  async pullCommitMessages(number: number): Promise<string[]> {
    const commits = await this.call(
      `list the commits of pull request #${number}`,
      'pull-requests: read',
      async o =>
        (await o.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', { ...this.repo, pull_number: number, per_page: PAGE }))
          .data as { commit: { message: string } }[]
    )
    return commits.map(c => c.commit.message)
  }

  /** The comments of an issue or pull request, oldest first. */
  comments(number: number): AsyncGenerator<Comment> {
    return this.pages<Comment>(
      `read the comments of #${number}`,
      'issues: write or pull-requests: write',
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      {
        issue_number: number
      }
    )
  }

  /** Adds a comment to an issue or pull request; its link. */
  async comment(number: number, body: string): Promise<string> {
    return this.call(
      `comment on #${number}`,
      'issues: write or pull-requests: write',
      async o => (await o.rest.issues.createComment({ ...this.repo, issue_number: number, body })).data.html_url
    )
  }

  /** The login github-token acts as (a personal or app user token), asked once; undefined for a workflow token. */
  login(): Promise<string | undefined> {
    this.me ??= this.call("read the token's user", '', async o => (await o.request('GET /user')).data.login).catch(() => undefined)
    return this.me
  }

  /** The ledger's commit and text; undefined when the ledger does not exist yet. */
  async readLedger(): Promise<{ commit: string; text: string } | undefined> {
    const ref = await this.call(`read ${LEDGER_REF}`, 'contents: read', async o => {
      try {
        return (await o.request(`GET /repos/{owner}/{repo}/git/ref/${LEDGER_REF.slice(5)}`, { ...this.repo })).data as unknown
      } catch (error) {
        if ((error as RequestFailure).status === 404) return 'none'
        throw error
      }
    })
    if (ref === 'none') return undefined
    // Only a 404 says there is no ledger: any other answer without a commit is a failure, not "none".
    const commit = (ref as { object?: { sha?: unknown } } | null)?.object?.sha
    if (typeof commit !== 'string' || !/^[0-9a-f]{40}$/.test(commit))
      throw new GitHubApiError(`Could not read ${LEDGER_REF}: the GitHub API did not answer its commit`, 502)
    const text = await this.call(
      `read ${LEDGER_FILE} of ${LEDGER_REF}`,
      'contents: read',
      async o =>
        (
          await o.request('GET /repos/{owner}/{repo}/contents/{path}', {
            ...this.repo,
            path: LEDGER_FILE,
            ref: commit,
            mediaType: { format: 'raw' }
          })
        ).data as unknown
    )
    if (typeof text !== 'string')
      throw new GitHubApiError(`Could not read ${LEDGER_FILE} of ${LEDGER_REF}: the GitHub API did not answer its text`, 502)
    return { commit, text }
  }

  /**
   * Writes the ledger as a commit on parent and moves the ref to it only as a fast-forward, so of
   * two runs that read the same ledger only one can write. The new commit, or undefined when another
   * run moved the ref first (read it again and decide again).
   */
  async writeLedger(text: string, message: string, parent: string | undefined): Promise<string | undefined> {
    const permission = 'contents: write'
    const tree = await this.call(
      `write ${LEDGER_FILE}`,
      permission,
      async o =>
        (
          await o.request('POST /repos/{owner}/{repo}/git/trees', {
            ...this.repo,
            tree: [{ path: LEDGER_FILE, mode: '100644', type: 'blob', content: text }]
          })
        ).data.sha
    )
    const commit = await this.call(
      `commit ${LEDGER_FILE}`,
      permission,
      async o =>
        (await o.request('POST /repos/{owner}/{repo}/git/commits', { ...this.repo, message, tree, parents: parent ? [parent] : [] })).data
          .sha
    )
    return this.call(`update ${LEDGER_REF}`, permission, async o => {
      try {
        if (parent)
          await o.request(`PATCH /repos/{owner}/{repo}/git/refs/${LEDGER_REF.slice(5)}`, { ...this.repo, sha: commit, force: false })
        else await o.request('POST /repos/{owner}/{repo}/git/refs', { ...this.repo, ref: LEDGER_REF, sha: commit })
        return commit
      } catch (error) {
        // Not a fast-forward, or created meanwhile: another run wrote first.
        if ((error as RequestFailure).status === 422) return undefined
        throw error
      }
    })
  }
}
