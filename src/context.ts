/**
 * Defaults for every field the inputs leave empty, from the run's environment, its event and,
 * only when the event cannot tell, the GitHub API. An explicit input always wins.
 */
import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import { GitHubApi, GitHubApiError, Job } from './github-api.js'
import { normalizeSeverity, parsePrNumber, Settings } from './schema.js'

/** Where a field's value came from, shown in the job summary. */
export type Source = 'input' | 'event' | 'GitHub API' | 'run' | 'default'

/** A value and where it came from. */
export interface Sourced<T> {
  value: T
  source: Source
}

/** The incident fields context can supply. */
export interface Defaults {
  severity?: Sourced<string>
  description?: Sourced<string>
  affectedSystems?: Sourced<string[]>
  reportedTime?: Sourced<Date>
  resolutionTime?: Sourced<Date>
  reportedBy?: Sourced<string>
  providerId?: Sourced<string>
  repoUrl?: Sourced<string>
  prNumber?: Sourced<string>
}

/** The event says there is no incident to file; the reason is shown as a notice. */
export interface Skip {
  skip: string
}

/** The run's environment, as the runner sets it. */
export interface RunEnv {
  eventName: string
  eventPath?: string
  repository: string
  serverUrl: string
  sha: string
  actor?: string
  workflow?: string
  runId: number
  runAttempt: number
}

/** Reads the run's environment variables. */
export function runEnv(env: NodeJS.ProcessEnv = process.env): RunEnv {
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    eventPath: env.GITHUB_EVENT_PATH,
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
    sha: env.GITHUB_SHA ?? '',
    actor: env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || undefined,
    workflow: env.GITHUB_WORKFLOW,
    runId: Number(env.GITHUB_RUN_ID ?? 0),
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT ?? 1)
  }
}

/* Only the event fields the defaults read. */
interface PullRequestRef {
  number: number
}
interface Label {
  name: string
}
interface EventPayload {
  pull_request?: PullRequestRef
  workflow_run?: {
    id: number
    name?: string
    conclusion?: string | null
    head_branch?: string | null
    head_sha: string
    html_url: string
    updated_at: string
    pull_requests?: PullRequestRef[]
  }
  deployment_status?: { state: string; created_at: string; target_url?: string; log_url?: string; environment?: string }
  deployment?: { sha: string; environment?: string }
  action?: string
  issue?: {
    html_url: string
    title: string
    body?: string | null
    created_at: string
    closed_at?: string | null
    user?: { login: string }
    labels?: (Label | string)[]
  }
}

const FAILED_JOB = new Set(['failure', 'timed_out'])
const NOT_FAILED_RUN = new Set(['success', 'neutral', 'skipped'])

function readEvent(path: string | undefined): EventPayload {
  if (!path) return {}
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EventPayload
  } catch (error) {
    core.warning(`Could not read the event payload at GITHUB_EVENT_PATH: ${(error as Error).message}`)
    return {}
  }
}

const labelNames = (labels: (Label | string)[] = []) => labels.map(l => (typeof l === 'string' ? l : l.name))

/** A severity from labels such as severity:high, sev1 or P2. */
export function severityFromLabels(labels: string[]): string | undefined {
  for (const label of labels) {
    const named = /^(?:severity|sev|priority)\s*[:/=]\s*(.+)$/i.exec(label.trim())
    if (named) return normalizeSeverity(named[1])
    if (/^(?:sev|p)[-_ ]?[0-5]$/i.test(label.trim())) return normalizeSeverity(label)
  }
  return undefined
}

/** Affected systems from labels such as system:database. */
export function systemsFromLabels(labels: string[]): string[] {
  return labels.flatMap(l => /^systems?\s*[:/=]\s*(.+)$/i.exec(l.trim())?.[1].trim() ?? [])
}

/** The pull request an issue body points at: "Caused by #203", a pull request URL, or a "PR:" line. */
export function pullRequestFromBody(body: string): string | undefined {
  const patterns = [
    /^\s*(?:\*\*)?(?:PR|pull request)(?:\*\*)?\s*[:#]\s*(\S+)/im,
    /https?:\/\/\S+\/pull\/\d+/i,
    /\bcaused by\s+(?:PR\s*)?(#\d+)/i
  ]
  for (const pattern of patterns) {
    const m = pattern.exec(body)
    const pr = m && parsePrNumber(m[1] ?? m[0])
    if (pr) return pr
  }
  return undefined
}

/**
 * Works out defaults for the fields the settings leave empty. Asks the GitHub API only for fields
 * that are both missing and not in the event.
 */
export async function resolveDefaults(settings: Settings, env: RunEnv, now: Date): Promise<Defaults | Skip> {
  const event = readEvent(env.eventPath)
  const [owner = '', repo = ''] = env.repository.split('/')
  const api = new GitHubApi(settings['github-token'], { owner, repo })
  const runUrl = `${env.serverUrl}/${env.repository}/actions/runs/${env.runId}`
  const d: Defaults = {
    resolutionTime: { value: now, source: 'default' },
    repoUrl: env.repository ? { value: `${env.serverUrl}/${env.repository}`, source: 'run' } : undefined,
    reportedBy: env.actor ? { value: env.actor, source: 'run' } : undefined,
    providerId: env.repository && env.runId ? { value: `${env.repository}/actions/runs/${env.runId}`, source: 'run' } : undefined
  }
  const fromEvent = <T>(value: T | undefined | null): Sourced<T> | undefined =>
    value === undefined || value === null ? undefined : { value, source: 'event' }
  let prSha: string | undefined = env.sha

  switch (env.eventName) {
    case 'pull_request':
    case 'pull_request_target':
      d.prNumber = fromEvent(event.pull_request && String(event.pull_request.number))
      break
    case 'workflow_run': {
      const run = event.workflow_run
      if (!run) break
      if (settings['skip-successful-runs'] && NOT_FAILED_RUN.has(run.conclusion ?? '')) {
        return { skip: `Workflow run ${run.html_url} concluded ${run.conclusion}: no incident to file (skip-successful-runs: false files one anyway).` }
      }
      d.reportedTime = fromEvent(new Date(run.updated_at))
      d.prNumber = fromEvent(run.pull_requests?.[0] && String(run.pull_requests[0].number))
      d.description = fromEvent(`${run.name ?? 'Workflow'} ${describeConclusion(run.conclusion)} on ${run.head_branch ?? run.head_sha.slice(0, 7)}: ${run.html_url}`)
      d.providerId = fromEvent(`${env.repository}/actions/runs/${run.id}`)
      prSha = run.head_sha
      break
    }
    case 'deployment_status': {
      const status = event.deployment_status
      if (!status) break
      if (status.state !== 'failure' && status.state !== 'error') {
        return { skip: `Deployment status is ${status.state}: only failure and error are incidents.` }
      }
      const environment = status.environment ?? event.deployment?.environment ?? 'an environment'
      const link = status.target_url || status.log_url
      d.reportedTime = fromEvent(new Date(status.created_at))
      d.description = fromEvent(`Deployment to ${environment} ${status.state === 'error' ? 'errored' : 'failed'}${link ? `: ${link}` : ''}`)
      prSha = event.deployment?.sha
      break
    }
    case 'issues': {
      const issue = event.issue
      if (!issue) break
      const labels = labelNames(issue.labels)
      const label = settings['incident-label']
      if (!labels.some(l => l.toLowerCase() === label.toLowerCase())) {
        return { skip: `Issue ${issue.html_url} has no '${label}' label: not an incident.` }
      }
      if (event.action !== 'closed' || !issue.closed_at) {
        return { skip: `Issue ${issue.html_url} is not closed (${event.action ?? 'no action'}): an incident is filed when it is resolved.` }
      }
      d.reportedTime = fromEvent(new Date(issue.created_at))
      d.resolutionTime = fromEvent(new Date(issue.closed_at))
      d.description = fromEvent(issue.title)
      d.reportedBy = fromEvent(issue.user?.login)
      d.providerId = fromEvent(issue.html_url)
      d.severity = fromEvent(severityFromLabels(labels))
      const systems = systemsFromLabels(labels)
      d.affectedSystems = systems.length ? fromEvent(systems) : undefined
      d.prNumber = fromEvent(pullRequestFromBody(issue.body ?? ''))
      if (!d.prNumber && !settings['pr-number']) {
        throw new GitHubApiError(
          `Issue ${issue.html_url} names no pull request. Add a line such as "Caused by #203", "PR: #203" or the pull request's URL to its body, or set pr-number.`
        )
      }
      prSha = undefined
      break
    }
  }

  const needsRun = !settings['reported-time'] && !d.reportedTime
  if (needsRun || (!settings.description && !d.description)) {
    await fromRunJobs(d, api, env, runUrl, needsRun)
  }
  if (!settings['pr-number'] && !d.prNumber && prSha) {
    const pr = await api.pullRequestForCommit(prSha).catch(error => Promise.reject(withHint(error, 'or set pr-number')))
    if (pr) d.prNumber = { value: String(pr), source: 'GitHub API' }
  }
  return d
}

function describeConclusion(conclusion: string | null | undefined): string {
  return conclusion === 'timed_out' ? 'timed out' : conclusion === 'cancelled' ? 'was cancelled' : conclusion === 'failure' ? 'failed' : `ended ${conclusion ?? 'unknown'}`
}

/**
 * The rollback case: the incident began when the earliest failed job of this run attempt ended,
 * or when the run started if none failed. Without reported-time the API is required; for the
 * description alone it is a nicety, so its failure is only logged.
 */
async function fromRunJobs(d: Defaults, api: GitHubApi, env: RunEnv, runUrl: string, required: boolean): Promise<void> {
  let jobs: Job[]
  try {
    jobs = await api.jobs(env.runId, env.runAttempt)
  } catch (error) {
    if (required) throw withHint(error, 'or set reported-time')
    core.debug(`No default description: ${(error as Error).message}`)
    return
  }
  const failed = jobs
    .filter(j => FAILED_JOB.has(j.conclusion ?? '') && j.completed_at)
    .sort((a, b) => Date.parse(a.completed_at ?? '') - Date.parse(b.completed_at ?? ''))
  if (failed.length) {
    d.description = { value: `${env.workflow ?? 'Workflow'} failed: ${failed.map(j => j.name).join(', ')} (${runUrl})`, source: 'GitHub API' }
  }
  if (!required) return
  const began =
    failed[0]?.completed_at ?? (await api.runStartedAt(env.runId).catch(error => Promise.reject(withHint(error, 'or set reported-time'))))
  if (began) d.reportedTime = { value: new Date(began), source: 'GitHub API' }
}

function withHint(error: unknown, hint: string): Error {
  return error instanceof GitHubApiError ? new GitHubApiError(`${error.message}, ${hint}.`) : (error as Error)
}
