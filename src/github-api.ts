/**
 * The GitHub API client: the reads and writes the action makes for defaults, the history an outage
 * is read from, and the ledger of what was filed. It owns paging (Link headers followed only inside
 * GITHUB_API_URL, the only place github-token is sent), retries of transient failures, rate-limit
 * pacing, the size of an answer, and the count of requests by kind.
 *
 * GitHub's rate limit is a budget shared by the repository's workflows: lists are read in pages of
 * 100, a commit's pull requests are asked once, and every answer's x-ratelimit-* headers pace the next
 * request (waiting for the reset when it is near, stopping with RateLimitError when it is not).
 */
import * as http from 'node:http'
import * as https from 'node:https'
import { agentFor, CONNECTION_ERRORS, exchange, NOT_PROCESSED_STATUSES } from './http.js'
import * as log from './log.js'
import { clean } from './redact.js'

/** The repository a run works on: the repository input, else the one it runs in (GITHUB_REPOSITORY). */
export interface Repo {
  owner: string
  repo: string
}

/** The repository, as far as a backfill needs it. */
export interface RepositoryInfo {
  default_branch: string
  archived?: boolean
}

/** A job of a workflow run, as far as the defaults need it. */
export interface Job {
  name: string
  status?: string
  conclusion: string | null
  started_at: string
  completed_at: string | null
}

/** A workflow run (or one attempt of it), as far as outages need it. */
export interface Run {
  id: number
  name?: string | null
  run_number?: number
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
  /** The branch or tag deployed. */
  ref?: string
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
  /** The issue or pull request it is on (…/issues/N). */
  issue_url?: string
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
  head?: { ref: string; sha?: string }
  base?: { ref: string; repo?: { full_name?: string; default_branch?: string } }
}

/** A commit of a branch, as far as finding reverts needs it. */
export interface Commit {
  sha: string
  commit: { message: string; committer?: { date?: string } | null }
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

/** Why an answer failed, in words: a permission to add, a rate limit, a locked thread, or what GitHub said. */
export function explainStatus(status: number, headers: http.IncomingHttpHeaders, body: string, permission: string): string {
  const said = clean(githubMessage(body) ?? 'with no message', [], 300)
  if ((status === 403 || status === 429) && headers['x-ratelimit-remaining'] === '0') {
    return `GitHub's API rate limit for this token is used up (${status})`
  }
  // A locked conversation refuses comments whatever the permissions: no permission to blame.
  if (status === 403 && /\blocked\b/i.test(said)) return `GitHub answered 403 ${said} (the conversation is locked)`
  if (status === 401) return `GitHub rejected github-token (401 ${said}); pass github-token: \${{ github.token }}`
  if (status === 403 || status === 404) {
    const meaning = status === 403 ? 'the token lacks a permission' : 'not found, which is also how GitHub answers a token without access'
    return `GitHub answered ${status} ${said} (${meaning}). Add \`${permission}\` to the job's \`permissions:\``
  }
  return `GitHub answered ${status} ${said}`
}

/** A 403 that says a permission is missing: not a spent rate limit, not a locked conversation. */
function refusal(status: number, headers: http.IncomingHttpHeaders, body: string): boolean {
  const said = githubMessage(body) ?? ''
  return status === 403 && headers['x-ratelimit-remaining'] !== '0' && !/\blocked\b|rate limit/i.test(said)
}

function githubMessage(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { message?: unknown } | null)?.message
    return typeof message === 'string' && message ? message : undefined
  } catch {
    return undefined
  }
}

/** How the client paces itself; injected by tests to make waits instant. */
export interface Pacing {
  /** The longest wait for a rate-limit reset, in seconds; a later reset stops with RateLimitError. */
  maxWaitSeconds: number
  sleep(ms: number): Promise<void>
  now(): number
  random(): number
}

const realPacing: Pacing = {
  maxWaitSeconds: 300,
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  now: () => Date.now(),
  random: Math.random
}

/** The share of the rate limit kept for ledger commits, and its floor (a commit and its retries). */
const RESERVE_SHARE = 0.02
const MIN_RESERVE = 10

/** Attempts of one request that meets a transient failure (5xx, a reset, a time-out, garbage). */
const ATTEMPTS = 3
const REDIRECTS = new Set([301, 302, 307, 308])
const REDIRECTS_FOLLOWED = 3
/** Secondary rate limits are waited out this often before the request fails. */
const SECONDARY_RETRIES = 2
const BACKOFF_BASE_MS = 1000
const PAGE = 100
/** An answer larger than this is an error, not a page to parse: no list the action reads comes near it. */
export const GITHUB_BODY_LIMIT = 20 * 1024 * 1024
/** GitHub lists at most this many results of a filtered list, however many pages are asked. */
const LIST_CAP = 1000

/** What one request is for: its words on failure, the permission it needs, and its kind in the count. */
interface Purpose {
  what: string
  permission: string
  kind: string
}

interface Options {
  query?: Record<string, string | number | undefined>
  body?: unknown
  /** The answer is raw text, not JSON (a file's contents). */
  raw?: boolean
  /** Statuses that are answers, not failures (404: no ledger yet; 422: a ref moved). */
  accept?: number[]
}

interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  data: unknown
}

/** The next page GitHub links to, if any. */
const nextLink = (link: string | string[] | undefined): string | undefined => /<([^>]+)>;\s*rel="next"/.exec(String(link ?? ''))?.[1]

/** A client that asks the GitHub API for what the event does not carry, and keeps the record. */
export class GitHubApi {
  /** Answers asked once per key (a commit's pull requests, the repository). */
  private readonly asked = new Map<string, Promise<unknown>>()
  private readonly pacing: Pacing
  /** The last rate-limit state GitHub reported. */
  private remaining?: number
  private limit?: number
  private resetAt?: number
  /** The permissions GitHub refused in this run (403), to be named together at its end. */
  readonly refused = new Set<string>()
  /** Requests made, for the log, the summary and the bench; and by kind. */
  requests = 0
  readonly requestsByKind: Record<string, number> = {}

  /** GITHUB_API_URL: its origin and path are the only place github-token is sent, whatever a Link header names. */
  private readonly base: URL
  private readonly agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true })
  }
  private me?: Promise<string | undefined>

  constructor(
    private readonly token: string | undefined,
    readonly repo: Repo,
    private readonly timeoutSeconds = 30,
    pacing: Partial<Pacing> = {},
    apiUrl = process.env.GITHUB_API_URL || 'https://api.github.com'
  ) {
    this.pacing = { ...realPacing, ...pacing }
    this.base = new URL(apiUrl.replace(/\/+$/, ''))
  }

  private get repoPath(): string {
    return `/repos/${encodeURIComponent(this.repo.owner)}/${encodeURIComponent(this.repo.repo)}`
  }

  /** The URL of an API path; a link GitHub sent is followed only inside GITHUB_API_URL. */
  private url(target: string, query: Options['query'] = {}): URL {
    if (!/^https?:/i.test(target)) {
      const url = new URL(this.base.href.replace(/\/$/, '') + target)
      for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value))
      return url
    }
    const url = new URL(target)
    const prefix = this.base.pathname.replace(/\/$/, '')
    if (url.origin !== this.base.origin || !(url.pathname === prefix || url.pathname.startsWith(`${prefix}/`)))
      throw new GitHubApiError(
        `the GitHub API linked to ${url.origin}${url.pathname}, outside GITHUB_API_URL (${this.base.origin}${prefix}), so github-token is not sent there`
      )
    return url
  }

  /**
   * One request, paced by the rate limit, each attempt bounded by timeout-seconds and the answer
   * by GITHUB_BODY_LIMIT. Transient failures are retried with backoff: always for a read, and for
   * a write only when GitHub provably did not take it (a write is done once).
   */
  private async request(method: string, target: string, purpose: Purpose, options: Options = {}): Promise<Reply> {
    if (!this.token)
      throw new MissingTokenError('github-token is empty, so the GitHub API cannot be asked (pass github-token: ${{ github.token }})')
    const fail = (why: string, status?: number) => new GitHubApiError(`Could not ${purpose.what}: ${why}`, status)
    let url: URL
    try {
      url = this.url(target, options.query)
    } catch (error) {
      throw fail((error as Error).message)
    }
    const read = method === 'GET'
    const body = options.body === undefined ? undefined : JSON.stringify(options.body)
    log.debug(`GitHub API: ${purpose.what}`)
    let secondary = 0
    let redirects = 0
    for (let attempt = 1; ; attempt++) {
      await this.waitForBudget(purpose.kind)
      this.requests++
      this.requestsByKind[purpose.kind] = (this.requestsByKind[purpose.kind] ?? 0) + 1
      const outcome = await exchange(url, {
        method,
        headers: {
          Authorization: `token ${this.token}`,
          Accept: options.raw ? 'application/vnd.github.raw' : 'application/vnd.github+json',
          'X-GitHub-Api-Version': '2022-11-28'
        },
        body,
        timeoutSeconds: this.timeoutSeconds,
        bodyLimit: GITHUB_BODY_LIMIT,
        agent: agentFor(url, this.agents),
        service: 'the GitHub API'
      })
      let transient: GitHubApiError
      if ('answer' in outcome) {
        const { status, headers, body: text, cut, overLimit } = outcome.answer
        this.note(headers)
        if (overLimit)
          throw fail(`the GitHub API answered more than ${GITHUB_BODY_LIMIT / 1024 / 1024} MB, more than any answer the action uses`, 502)
        const ok = (status >= 200 && status < 300) || options.accept?.includes(status)
        if (ok) {
          const data = cut ? undefined : options.raw && status < 300 ? text : parseJson(text)
          // GitHub answers no request with JSON null or with text that is not JSON.
          if (data !== undefined && data !== null) return { status, headers, data }
          transient = fail(
            cut
              ? `the GitHub API answered ${status}, but ${cut}`
              : `the GitHub API answered ${status} with a body that is not the JSON it sends`,
            502
          )
          // A write answered with success was done, whatever became of its body: asking again would do it twice.
          if (!read) throw transient
        } else if (read && REDIRECTS.has(status) && headers.location && redirects++ < REDIRECTS_FOLLOWED) {
          // A renamed or moved repository answers 301 with its new place: followed only inside GITHUB_API_URL.
          try {
            url = this.url(new URL(headers.location, url).href)
          } catch (error) {
            throw fail((error as Error).message, status)
          }
          attempt--
          continue
        } else {
          const wait = this.secondaryWait(status, headers, text)
          if (wait !== undefined && secondary++ < SECONDARY_RETRIES) {
            if (wait > 0) log.info(`GitHub asked to slow down (secondary rate limit); waiting ${Math.ceil(wait / 1000)} s.`)
            await this.pacing.sleep(wait)
            attempt--
            continue
          }
          if (purpose.permission && refusal(status, headers, text)) this.refused.add(purpose.permission)
          const error = fail(explainStatus(status, headers, text, purpose.permission), status)
          // 5xx: GitHub did not do it, or may have; a read is safe to ask again, a write only when not processed.
          if (status < 500 || (!read && !NOT_PROCESSED_STATUSES.has(status))) throw error
          transient = error
        }
      } else {
        const error = fail(
          outcome.code === 'TIMEOUT'
            ? `the GitHub API did not answer within ${this.timeoutSeconds} s`
            : outcome.code === 'PROXY_REFUSED'
              ? `${outcome.failure}; allow the GitHub API host through the proxy, or add it to NO_PROXY`
              : `the GitHub API could not be reached (${outcome.failure})`
        )
        if ((!read && outcome.written) || !(CONNECTION_ERRORS.has(outcome.code) || outcome.code === 'UNKNOWN')) throw error
        transient = error
      }
      if (attempt >= ATTEMPTS) throw new GitHubApiError(`${transient.message} (${ATTEMPTS} attempts)`, transient.status)
      const delay = this.pacing.random() * BACKOFF_BASE_MS * 2 ** (attempt - 1)
      log.info(`${transient.message}; trying again in ${(delay / 1000).toFixed(1)} s.`)
      await this.pacing.sleep(delay)
    }
  }

  private note(headers: http.IncomingHttpHeaders): void {
    const remaining = Number(headers['x-ratelimit-remaining'])
    const reset = Number(headers['x-ratelimit-reset'])
    const limit = Number(headers['x-ratelimit-limit'])
    if (headers['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining)) this.remaining = remaining
    if (headers['x-ratelimit-reset'] !== undefined && Number.isFinite(reset)) this.resetAt = reset * 1000
    if (headers['x-ratelimit-limit'] !== undefined && Number.isFinite(limit)) this.limit = limit
  }

  /**
   * Requests kept back for the ledger: a budget is often shared (the workflows of a repository, the
   * jobs of an app installation), and what others spend between two answers must not leave a send
   * that Hivel took without the ledger commit that records it.
   */
  private get reserve(): number {
    return Math.max(MIN_RESERVE, Math.ceil((this.limit ?? 0) * RESERVE_SHARE))
  }

  /**
   * Makes sure n more requests can be made now (waiting for the reset when it is near), so that
   * what is reserved before a send can also be confirmed after it; otherwise RateLimitError.
   */
  async ensureBudget(n: number): Promise<void> {
    // What is left stays usable: a refused reservation must not also stop the confirmations before it.
    if (this.remaining !== undefined && this.remaining < n + this.reserve)
      await this.waitForReset(
        `only ${this.remaining} requests are left of GitHub's API rate limit, fewer than the ${n} a send and its record need and the ${this.reserve} kept for the ledger`
      )
  }

  /**
   * Before each request: waits for the reset when the budget is spent (but for the reserve, which
   * only the ledger may use) and the reset is near; otherwise stops.
   */
  private async waitForBudget(kind: string): Promise<void> {
    if (this.remaining === 0) await this.waitForReset("GitHub's API rate limit for this token is used up")
    else if (kind !== 'ledger' && this.remaining !== undefined && this.remaining <= this.reserve)
      await this.waitForReset(
        `GitHub's API rate limit for this token is used up but for the ${this.reserve} requests kept for the ledger (${this.remaining} left)`
      )
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
    log.info(`${why}; waiting ${Math.ceil(wait / 1000)} s for it to reset at ${at}.`)
    await this.pacing.sleep(wait)
    this.remaining = undefined
  }

  /** How long a secondary rate limit (403/429 with retry-after, or the primary one spent) asks to wait. */
  private secondaryWait(status: number, headers: http.IncomingHttpHeaders, body: string): number | undefined {
    if (status !== 403 && status !== 429) return undefined
    const retryAfter = Number(headers['retry-after'])
    // GitHub's advice for a secondary limit that names no wait: at least a minute.
    const seconds =
      headers['retry-after'] !== undefined && Number.isFinite(retryAfter)
        ? retryAfter
        : /secondary rate limit/i.test(githubMessage(body) ?? '')
          ? 60
          : undefined
    if (seconds !== undefined) {
      if (seconds > this.pacing.maxWaitSeconds)
        throw new RateLimitError(
          `GitHub asked to slow down for ${seconds} s (secondary rate limit), longer than rate-limit-wait-seconds (${this.pacing.maxWaitSeconds}) allows waiting`
        )
      return seconds * 1000
    }
    // The primary limit: waitForBudget decides at the next try whether to wait or stop.
    return headers['x-ratelimit-remaining'] === '0' ? 0 : undefined
  }

  private async json<T>(method: string, path: string, purpose: Purpose, options?: Options): Promise<T> {
    return (await this.request(method, path, purpose, options)).data as T
  }

  /** One page of a list, read whole. */
  private async page<T>(path: string, purpose: Purpose, options?: Options): Promise<T[]> {
    return itemsOf<T>(await this.json<unknown>('GET', path, purpose, options), purpose)
  }

  /**
   * Every item of a list, newest first as GitHub serves them, following `next` links; stop by
   * leaving the loop. first: a smaller first page, for lists whose newest few usually decide;
   * the rest is read in pages of 100 (the first page's items skipped by id). key: the field that
   * holds the items when the list is an object.
   */
  private async *list<T extends { id?: number }>(
    path: string,
    purpose: Purpose,
    query: Options['query'],
    opts: { first?: number; key?: string } = {}
  ): AsyncGenerator<T, { count: number; total?: number }> {
    const seen = new Set<number>()
    let next: string | undefined = path
    let count = 0
    let total: number | undefined
    let perPage = opts.first ?? PAGE
    while (next) {
      const reply: Reply = await this.request('GET', next, purpose, { query: { ...query, per_page: perPage } })
      const items = itemsOf<T>(opts.key ? (reply.data as Record<string, unknown>)[opts.key] : reply.data, purpose)
      if (opts.key) total = Number((reply.data as { total_count?: unknown }).total_count) || undefined
      for (const item of items) {
        if (item.id !== undefined && seen.has(item.id)) continue
        if (opts.first && item.id !== undefined) seen.add(item.id)
        count++
        yield item
      }
      if (perPage !== PAGE) {
        // After a small first page, the full pages from the start; the items already given are skipped.
        next = nextLink(reply.headers.link) ? path : undefined
        perPage = PAGE
      } else next = nextLink(reply.headers.link)
    }
    return { count, total }
  }

  /** The answer for key, asked once; a failed one is not remembered, so the next ask tries again. */
  private once<T>(key: string, ask: () => Promise<T>): Promise<T> {
    let answer = this.asked.get(key) as Promise<T> | undefined
    if (!answer) {
      answer = ask()
      this.asked.set(key, answer)
      answer.catch(() => this.asked.delete(key))
    }
    return answer
  }

  /** The pull requests GitHub associates with a commit, whole; asked once per commit. */
  pullsOfCommit(sha: string): Promise<Pull[]> {
    return this.once(`pulls of ${sha}`, () =>
      this.page<Pull>(`${this.repoPath}/commits/${encodeURIComponent(sha)}/pulls`, {
        what: `find the pull request of commit ${sha.slice(0, 7)}`,
        permission: 'pull-requests: read',
        kind: 'pull request of a commit'
      })
    )
  }

  /**
   * The pull request a commit belongs to: the one whose merge produced it, else one that merged
   * it, else an open one.
   */
  async pullForCommit(sha: string): Promise<Pull | undefined> {
    const pulls = await this.pullsOfCommit(sha)
    return pulls.find(p => p.merge_commit_sha === sha && p.merged_at) ?? pulls.find(p => p.merged_at) ?? pulls[0]
  }

  /** The number of the pull request a commit belongs to (see pullForCommit). */
  async pullRequestForCommit(sha: string): Promise<number | undefined> {
    return (await this.pullForCommit(sha))?.number
  }

  /** The jobs of one attempt of a run. */
  async jobs(runId: number, attempt: number): Promise<Job[]> {
    const jobs: Job[] = []
    for await (const job of this.list<Job & { id?: number }>(
      `${this.repoPath}/actions/runs/${runId}/attempts/${attempt}/jobs`,
      { what: `list the jobs of run ${runId}`, permission: 'actions: read', kind: 'jobs' },
      {},
      { key: 'jobs' }
    ))
      jobs.push(job)
    return jobs
  }

  /** One attempt of a run. */
  runAttempt(runId: number, attempt: number): Promise<Run> {
    return this.json('GET', `${this.repoPath}/actions/runs/${runId}/attempts/${attempt}`, {
      what: `read attempt ${attempt} of run ${runId}`,
      permission: 'actions: read',
      kind: 'run attempt'
    })
  }

  /**
   * A workflow's completed runs, newest first, optionally on one branch and created up to a day.
   * first: a small first page when the newest few usually decide. GitHub lists at most 1,000 runs
   * of a filtered list: past them the list goes on from the oldest run given, so none is missed.
   */
  async *workflowRuns(workflowId: number | string, branch: string | undefined, opts: { first?: number } = {}): AsyncGenerator<Run> {
    const purpose = { what: `list the runs of workflow ${workflowId}`, permission: 'actions: read', kind: 'workflow runs' }
    const seen = new Set<number>()
    let until: string | undefined
    for (;;) {
      const query = {
        status: 'completed',
        exclude_pull_requests: 'true',
        ...(branch ? { branch } : {}),
        ...(until ? { created: `<=${until}` } : {})
      }
      const pages = this.list<Run>(`${this.repoPath}/actions/workflows/${encodeURIComponent(String(workflowId))}/runs`, purpose, query, {
        first: until ? undefined : opts.first,
        key: 'workflow_runs'
      })
      let oldest: string | undefined
      let result: IteratorResult<Run, { count: number; total?: number }>
      while (!(result = await pages.next()).done) {
        const run = result.value
        oldest = run.created_at
        if (seen.has(run.id)) continue
        seen.add(run.id)
        yield run
      }
      const { count, total } = result.value
      // The cap cut the list short: go on from the oldest run given (runs created in that second are read again, and skipped).
      if (count < LIST_CAP || !oldest || (total !== undefined && total <= count) || oldest === until) return
      until = oldest
    }
  }

  /** The repository's workflows. */
  async workflows(): Promise<{ id: number; name: string; path: string }[]> {
    const workflows: { id: number; name: string; path: string }[] = []
    for await (const workflow of this.list<{ id: number; name: string; path: string }>(
      `${this.repoPath}/actions/workflows`,
      { what: 'list the workflows', permission: 'actions: read', kind: 'workflows' },
      {},
      { key: 'workflows' }
    ))
      workflows.push(workflow)
    return workflows
  }

  /** An environment's deployments, newest first. */
  deployments(environment: string, opts: { first?: number } = {}): AsyncGenerator<Deployment> {
    return this.list<Deployment>(
      `${this.repoPath}/deployments`,
      { what: `list the deployments to ${environment}`, permission: 'deployments: read', kind: 'deployments' },
      { environment },
      opts
    )
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
    return this.page<DeploymentStatus>(
      `${this.repoPath}/deployments/${id}/statuses`,
      { what: `read the statuses of deployment ${id}`, permission: 'deployments: read', kind: 'deployment statuses' },
      { query: { per_page: count } }
    )
  }

  /** The repository's default branch and whether it is archived, asked once. */
  repository(): Promise<RepositoryInfo> {
    return this.once('repository', () =>
      this.json<RepositoryInfo>('GET', this.repoPath, {
        what: `read the repository ${this.repo.owner}/${this.repo.repo}`,
        permission: 'contents: read',
        kind: 'repository'
      })
    )
  }

  /** The repository's default branch. */
  async defaultBranch(): Promise<string> {
    return (await this.repository()).default_branch
  }

  /** Closed issues with a label, updated since a time, newest first (pull requests left out). */
  async *closedIssues(label: string, since: string): AsyncGenerator<Issue> {
    for await (const issue of this.list<Issue & { id?: number }>(
      `${this.repoPath}/issues`,
      { what: `list the closed issues labelled ${label}`, permission: 'issues: read', kind: 'issues' },
      { state: 'closed', labels: label, since }
    )) {
      if (!issue.pull_request) yield issue
    }
  }

  /** Merged-or-not closed pull requests, most recently updated first. */
  closedPulls(): AsyncGenerator<Pull> {
    return this.list<Pull & { id?: number }>(
      `${this.repoPath}/pulls`,
      { what: 'list the closed pull requests', permission: 'pull-requests: read', kind: 'pull requests' },
      { state: 'closed', sort: 'updated', direction: 'desc' }
    )
  }

  /** A branch's commits in a window, newest first, with their messages. */
  branchCommits(branch: string, since: string, until: string): AsyncGenerator<Commit> {
    return this.list<Commit & { id?: number }>(
      `${this.repoPath}/commits`,
      { what: `list the commits of ${branch}`, permission: 'contents: read', kind: 'commits' },
      { sha: branch, since, until }
    )
  }

  /** One pull request, of this repository or another. */
  pull(number: number, repo: Repo = this.repo): Promise<Pull> {
    return this.json('GET', `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}/pulls/${number}`, {
      what: `read pull request ${repo.owner}/${repo.repo}#${number}`,
      permission: 'pull-requests: read',
      kind: 'pull request'
    })
  }

  /** The commit messages of a pull request (the first 100 commits). */
  async pullCommitMessages(number: number): Promise<string[]> {
    const commits = await this.page<Commit>(
      `${this.repoPath}/pulls/${number}/commits`,
      { what: `list the commits of pull request #${number}`, permission: 'pull-requests: read', kind: 'commits of a pull request' },
      { query: { per_page: PAGE } }
    )
    return commits.map(c => c.commit.message)
  }

  /** The comments of an issue or pull request, oldest first; permission: the one the thread needs (see threadPermission). */
  comments(number: number, permission: string): AsyncGenerator<Comment> {
    return this.list<Comment>(
      `${this.repoPath}/issues/${number}/comments`,
      { what: `read the comments of #${number}`, permission, kind: 'comments' },
      {}
    )
  }

  /** Every comment on the repository's issues and pull requests updated since a time, oldest first. */
  repoComments(since: string): AsyncGenerator<Comment> {
    return this.list<Comment>(
      `${this.repoPath}/issues/comments`,
      { what: 'read the comments of the repository', permission: 'issues: read', kind: 'comments' },
      { since, sort: 'created', direction: 'asc' }
    )
  }

  /** Adds a comment to an issue or pull request; its link. permission: the one the thread needs. */
  async comment(number: number, body: string, permission: string): Promise<string> {
    return (
      await this.json<{ html_url: string }>(
        'POST',
        `${this.repoPath}/issues/${number}/comments`,
        { what: `comment on #${number}`, permission, kind: 'comment' },
        { body: { body } }
      )
    ).html_url
  }

  /** The login github-token acts as (a personal or app user token), asked once; undefined for a workflow token. */
  login(): Promise<string | undefined> {
    this.me ??= this.json<{ login?: string }>('GET', '/user', { what: "read the token's user", permission: '', kind: 'user' }).then(
      user => user.login,
      () => undefined
    )
    return this.me
  }

  /** The ledger's commit and text; undefined when the ledger does not exist yet. permission: the one to name if refused. */
  async readLedger(permission: string): Promise<{ commit: string; text: string } | undefined> {
    const purpose = { what: `read ${LEDGER_REF}`, permission, kind: 'ledger' }
    const ref = await this.request('GET', `${this.repoPath}/git/ref/${LEDGER_REF.slice(5)}`, purpose, { accept: [404] })
    // Only a 404 says there is no ledger: any other answer without a commit is a failure, not "none".
    if (ref.status === 404) return undefined
    const commit = (ref.data as { object?: { sha?: unknown } }).object?.sha
    if (typeof commit !== 'string' || !/^[0-9a-f]{40}$/.test(commit))
      throw new GitHubApiError(`Could not read ${LEDGER_REF}: the GitHub API did not answer its commit`, 502)
    const text = await this.json<unknown>(
      'GET',
      `${this.repoPath}/contents/${LEDGER_FILE}`,
      { ...purpose, what: `read ${LEDGER_FILE} of ${LEDGER_REF}` },
      { query: { ref: commit }, raw: true }
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
    const purpose = (what: string) => ({ what, permission: 'contents: write', kind: 'ledger' })
    const tree = await this.json<{ sha: string }>('POST', `${this.repoPath}/git/trees`, purpose(`write ${LEDGER_FILE}`), {
      body: { tree: [{ path: LEDGER_FILE, mode: '100644', type: 'blob', content: text }] }
    })
    const commit = await this.json<{ sha: string }>('POST', `${this.repoPath}/git/commits`, purpose(`commit ${LEDGER_FILE}`), {
      body: { message, tree: tree.sha, parents: parent ? [parent] : [] }
    })
    // 422: not a fast-forward, or created meanwhile: another run wrote first.
    const moved = parent
      ? await this.request('PATCH', `${this.repoPath}/git/refs/${LEDGER_REF.slice(5)}`, purpose(`update ${LEDGER_REF}`), {
          body: { sha: commit.sha, force: false },
          accept: [422]
        })
      : await this.request('POST', `${this.repoPath}/git/refs`, purpose(`update ${LEDGER_REF}`), {
          body: { ref: LEDGER_REF, sha: commit.sha },
          accept: [422]
        })
    return moved.status === 422 ? undefined : commit.sha
  }
}

/** A page's items: an answer that is not a list is an error, never "no items". */
function itemsOf<T>(data: unknown, purpose: Purpose): T[] {
  if (!Array.isArray(data)) throw new GitHubApiError(`Could not ${purpose.what}: the GitHub API answered a page that is not a list`, 502)
  return data as T[]
}

/** JSON text as data; undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
