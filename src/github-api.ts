/**
 * The few GitHub API reads the action makes to fill in defaults. Octokit is loaded only when one
 * is needed, so a run with every input given never pays for it. Only github-token is sent here.
 */
import * as core from '@actions/core'

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

/** What the defaults ask GitHub; an interface so tests can answer without a server. */
export interface RunApi {
  pullRequestForCommit(sha: string): Promise<number | undefined>
  jobs(runId: number, attempt: number): Promise<Job[]>
  runStartedAt(runId: number, attempt: number): Promise<string | undefined>
}

/** A failed GitHub API call, worded as what the user can do about it. */
export class GitHubApiError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GitHubApiError'
  }
}

/** github-token is empty, so nothing can be asked. */
export class MissingTokenError extends GitHubApiError {}

/** Octokit's RequestError, as far as the wording needs it. */
interface RequestFailure {
  status?: number
  message: string
  response?: { status: number; headers: Record<string, string | undefined>; data?: unknown }
}

/** Why a call failed, in words: a permission to add, a rate limit, a time-out or the network. */
export function explainFailure(error: unknown, permission: string, timeoutSeconds: number): string {
  const failure = error as RequestFailure
  const response = failure.response
  if (!response) {
    // Octokit reports a refused connection or a time-out as status 500 without a response.
    const cause = (error as { cause?: { name?: string } }).cause
    return cause?.name === 'TimeoutError' || /timeout/i.test(failure.message)
      ? `the GitHub API did not answer within ${timeoutSeconds} s`
      : `the GitHub API could not be reached (${failure.message})`
  }
  const said = githubMessage(response.data) ?? failure.message
  if ((response.status === 403 || response.status === 429) && response.headers['x-ratelimit-remaining'] === '0') {
    return `GitHub's API rate limit for this token is used up (${response.status})`
  }
  if (response.status === 401) return `GitHub rejected github-token (401 ${said}); pass github-token: \${{ github.token }}`
  if (response.status === 403 || response.status === 404) {
    const meaning =
      response.status === 403 ? 'the token lacks a permission' : 'not found, which is also how GitHub answers a token without access'
    return `GitHub answered ${response.status} ${said} (${meaning}). Add \`${permission}\` to the job's \`permissions:\``
  }
  return `GitHub answered ${response.status} ${said}`
}

function githubMessage(data: unknown): string | undefined {
  const message = (data as { message?: unknown } | undefined)?.message
  return typeof message === 'string' && message ? message : undefined
}

/** A client that asks the GitHub API for what the event does not carry. */
export class GitHubApi implements RunApi {
  private octokit?: Promise<Octokit>

  constructor(
    private readonly token: string | undefined,
    private readonly repo: Repo,
    private readonly timeoutSeconds = 30
  ) {}

  private client(): Promise<Octokit> {
    if (!this.token) {
      throw new MissingTokenError('github-token is empty, so the GitHub API cannot be asked (pass github-token: ${{ github.token }})')
    }
    const token = this.token
    const ms = this.timeoutSeconds * 1000
    this.octokit ??= import('@actions/github').then(github => {
      const octokit = github.getOctokit(token)
      // Octokit waits forever by default; every request (each page too) gets the limit of a Hivel attempt.
      // A before hook, because only changes to the options object itself reach the request.
      octokit.hook.before('request', options => {
        options.request = { ...options.request, signal: AbortSignal.timeout(ms) }
      })
      return octokit
    })
    return this.octokit
  }

  private async call<T>(what: string, permission: string, request: (octokit: Octokit) => Promise<T>): Promise<T> {
    const octokit = await this.client()
    core.debug(`GitHub API: ${what}`)
    try {
      return await request(octokit)
    } catch (error) {
      throw new GitHubApiError(`Could not ${what}: ${explainFailure(error, permission, this.timeoutSeconds)}`)
    }
  }

  /**
   * The pull request a commit belongs to: the one whose merge produced it, else one that merged
   * it, else an open one.
   */
  async pullRequestForCommit(sha: string): Promise<number | undefined> {
    const pulls = await this.call(
      `find the pull request of commit ${sha.slice(0, 7)}`,
      'pull-requests: read',
      async o => (await o.rest.repos.listPullRequestsAssociatedWithCommit({ ...this.repo, commit_sha: sha })).data
    )
    return (pulls.find(p => p.merge_commit_sha === sha && p.merged_at) ?? pulls.find(p => p.merged_at) ?? pulls[0])?.number
  }

  /** The jobs of one attempt of a run. */
  async jobs(runId: number, attempt: number): Promise<Job[]> {
    return this.call(`list the jobs of run ${runId}`, 'actions: read', async o =>
      o.paginate(o.rest.actions.listJobsForWorkflowRunAttempt, { ...this.repo, run_id: runId, attempt_number: attempt, per_page: 100 })
    )
  }

  /** When an attempt of a run started. */
  async runStartedAt(runId: number, attempt: number): Promise<string | undefined> {
    const run = await this.call(
      `read run ${runId}`,
      'actions: read',
      async o => (await o.rest.actions.getWorkflowRunAttempt({ ...this.repo, run_id: runId, attempt_number: attempt })).data
    )
    return run.run_started_at ?? run.created_at
  }
}
