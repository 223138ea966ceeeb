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

/** A failed GitHub API call, worded as what the user can do about it. */
export class GitHubApiError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GitHubApiError'
  }
}

/** A client that asks the GitHub API for what the event does not carry. */
export class GitHubApi {
  private octokit?: Promise<Octokit>

  constructor(
    private readonly token: string | undefined,
    private readonly repo: Repo
  ) {}

  private client(): Promise<Octokit> {
    if (!this.token) {
      throw new GitHubApiError('github-token is empty, so the GitHub API cannot be asked. Pass github-token: ${{ github.token }}')
    }
    const token = this.token
    this.octokit ??= import('@actions/github').then(github => github.getOctokit(token))
    return this.octokit
  }

  private async call<T>(what: string, permission: string, request: (octokit: Octokit) => Promise<T>): Promise<T> {
    const octokit = await this.client()
    core.debug(`GitHub API: ${what}`)
    try {
      return await request(octokit)
    } catch (error) {
      const status = (error as { status?: number }).status
      const reason =
        status === 403 || status === 404
          ? `GitHub answered ${status}: the token lacks permission. Add \`permissions: ${permission}\` to the job`
          : `${status ? `GitHub answered ${status}` : 'the request failed'}: ${(error as Error).message}`
      throw new GitHubApiError(`Could not ${what}: ${reason}`)
    }
  }

  /** The pull request a commit belongs to, preferring the one that merged it. */
  async pullRequestForCommit(sha: string): Promise<number | undefined> {
    const pulls = await this.call(`find the pull request of commit ${sha.slice(0, 12)}`, 'pull-requests: read', async o =>
      (await o.rest.repos.listPullRequestsAssociatedWithCommit({ ...this.repo, commit_sha: sha })).data
    )
    return (pulls.find(p => p.merged_at) ?? pulls[0])?.number
  }

  /** The jobs of one attempt of a run. */
  async jobs(runId: number, attempt: number): Promise<Job[]> {
    return this.call(`list the jobs of run ${runId}`, 'actions: read', async o =>
      o.paginate(o.rest.actions.listJobsForWorkflowRunAttempt, { ...this.repo, run_id: runId, attempt_number: attempt, per_page: 100 })
    )
  }

  /** When a run (this attempt) started. */
  async runStartedAt(runId: number): Promise<string | undefined> {
    const run = await this.call(`read run ${runId}`, 'actions: read', async o =>
      (await o.rest.actions.getWorkflowRun({ ...this.repo, run_id: runId })).data
    )
    return run.run_started_at ?? run.created_at
  }
}
