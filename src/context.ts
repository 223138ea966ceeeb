/**
 * Defaults for every field the inputs leave empty, from the run's environment, its event and,
 * only when the event cannot tell, the GitHub API. An explicit input always wins.
 */
import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import { GitHubApi, Job, MissingTokenError, RunApi } from './github-api.js'
import { pullRequestFromBody, severityFromBody, severityFromLabels, systemsFromBody, systemsFromLabels } from './issue-text.js'
import { FIELD_LIMIT, Settings } from './schema.js'
import { withLink } from './text.js'

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

/** The event holds an incident that cannot be filed as it stands; the message says what to change. */
export class ContextError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ContextError'
  }
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
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT || 1)
  }
}

/* Only the event fields the defaults read (shapes from GitHub's webhook payloads). */
interface PullRequestRef {
  number: number
}
interface Label {
  name: string
}
interface WorkflowRun {
  id: number
  name?: string | null
  status?: string
  conclusion?: string | null
  head_branch?: string | null
  head_sha: string
  html_url: string
  updated_at: string
  pull_requests?: PullRequestRef[]
}
interface DeploymentStatus {
  state: string
  created_at: string
  description?: string | null
  environment?: string
  target_url?: string | null
  log_url?: string | null
}
interface Issue {
  html_url: string
  title: string
  body?: string | null
  created_at: string
  closed_at?: string | null
  state_reason?: string | null
  user?: { login: string } | null
  labels?: (Label | string)[]
}
interface EventPayload {
  action?: string
  pull_request?: PullRequestRef
  workflow_run?: WorkflowRun
  workflow?: { name?: string }
  deployment_status?: DeploymentStatus
  deployment?: { sha: string; environment?: string }
  issue?: Issue
}

// A job that failed or ran out of time marks the incident's start; a cancelled one does not.
const FAILED_JOB = new Set(['failure', 'timed_out'])
const NOT_FAILED_RUN = new Set(['success', 'neutral', 'skipped'])
const INCIDENT_DEPLOYMENT_STATES = new Set(['failure', 'error'])

function readEvent(path: string | undefined): EventPayload {
  if (!path) return {}
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EventPayload
  } catch (error) {
    core.warning(`Could not read the event payload at GITHUB_EVENT_PATH: ${(error as Error).message}`)
    return {}
  }
}

const labelNames = (labels: (Label | string)[] = []) => labels.map(l => (typeof l === 'string' ? l : l.name).trim())

/** A failed look-up, with the input that would have made it unnecessary. */
const orSet = (input: string) => (error: Error) => Promise.reject(new ContextError(`${error.message}. Or set ${input}.`))

/** Job names listed until they would not fit, then "and N more". */
function jobList(names: string[], room: number): string {
  for (let shown = names.length; shown > 1; shown--) {
    const text = names.slice(0, shown).join(', ') + (shown < names.length ? ` and ${names.length - shown} more` : '')
    if (text.length <= room) return text
  }
  return names.length > 1 ? `${names[0]} and ${names.length - 1} more` : names[0]
}

/** What an event gives: defaults, and the commit whose pull request is asked for when none is known. */
interface FromEvent {
  defaults: Defaults
  prSha?: string
}

const fromEvent = <T>(value: T | undefined | null): Sourced<T> | undefined =>
  value === undefined || value === null || value === '' ? undefined : { value, source: 'event' }

function workflowRunDefaults(event: EventPayload, run: WorkflowRun, env: RunEnv, settings: Settings): FromEvent | Skip {
  if (event.action && event.action !== 'completed') {
    return {
      skip: `Workflow run ${run.html_url} is ${event.action}, not completed: no incident yet (trigger on workflow_run types: [completed]).`
    }
  }
  if (settings['skip-successful-runs'] && NOT_FAILED_RUN.has(run.conclusion ?? '')) {
    return {
      skip: `Workflow run ${run.html_url} concluded ${run.conclusion}: no incident to file (skip-successful-runs: false files one anyway).`
    }
  }
  const name = run.name || event.workflow?.name || 'A workflow'
  const where = run.head_branch ? ` on ${run.head_branch}` : ` at ${run.head_sha.slice(0, 7)}`
  const pr = run.pull_requests?.[0]
  return {
    defaults: {
      reportedTime: fromEvent(new Date(run.updated_at)),
      description: fromEvent(withLink(`${name} ${describeConclusion(run.conclusion)}${where}`, run.html_url)),
      providerId: fromEvent(`${env.repository}/actions/runs/${run.id}`),
      prNumber: fromEvent(pr && String(pr.number))
    },
    prSha: run.head_sha
  }
}

function describeConclusion(conclusion: string | null | undefined): string {
  const words: Record<string, string> = {
    failure: 'failed',
    timed_out: 'timed out',
    cancelled: 'was cancelled',
    action_required: 'needs approval',
    startup_failure: 'failed to start',
    success: 'succeeded'
  }
  return words[conclusion ?? ''] ?? `ended ${conclusion ?? 'without a conclusion'}`
}

function deploymentDefaults(event: EventPayload, status: DeploymentStatus): FromEvent | Skip {
  const environment = status.environment || event.deployment?.environment || 'an environment'
  if (!INCIDENT_DEPLOYMENT_STATES.has(status.state)) {
    return { skip: `Deployment to ${environment} is ${status.state}: only failure and error are incidents.` }
  }
  const outcome = status.state === 'error' ? 'errored' : 'failed'
  const said = status.description?.trim() ? `: ${status.description.trim()}` : ''
  return {
    defaults: {
      reportedTime: fromEvent(new Date(status.created_at)),
      description: fromEvent(withLink(`Deployment to ${environment} ${outcome}${said}`, status.target_url || status.log_url || undefined))
    },
    prSha: event.deployment?.sha
  }
}

function issueDefaults(event: EventPayload, issue: Issue, env: RunEnv, settings: Settings): FromEvent | Skip {
  const labels = labelNames(issue.labels)
  const label = settings['incident-label']
  if (!labels.some(l => l.toLowerCase() === label.toLowerCase())) {
    return { skip: `Issue ${issue.html_url} has no '${label}' label: not an incident.` }
  }
  if (event.action !== 'closed' || !issue.closed_at) {
    return { skip: `Issue ${issue.html_url} was ${event.action ?? 'changed'}, not closed: an incident is filed when its issue is closed.` }
  }
  if (issue.state_reason === 'not_planned') {
    return { skip: `Issue ${issue.html_url} was closed as not planned (a duplicate or false alarm): nothing to file.` }
  }
  const body = issue.body ?? ''
  const severity = severityFromLabels(labels) ?? severityFromBody(body)
  const systems = [...new Set([...systemsFromLabels(labels), ...systemsFromBody(body)])]
  const pr = pullRequestFromBody(body, env.serverUrl)
  const problems = [
    !severity && !settings.severity
      ? `Issue ${issue.html_url} has no severity: add a label such as severity:high, sev1 or P2 (or a "Severity: high" line to its body), or set severity.`
      : undefined,
    !pr && !settings['pr-number']
      ? `Issue ${issue.html_url} names no pull request: add a line such as "Caused by #203", "PR: #203" or the pull request's URL to its body, or set pr-number.`
      : undefined
  ].filter(p => p !== undefined)
  if (problems.length)
    throw new ContextError(`${problems.join(' ')} Then reopen and close the issue (a re-run would read the issue as it was).`)
  const ownRepo = `${env.serverUrl}/${env.repository}`.toLowerCase()
  return {
    defaults: {
      reportedTime: fromEvent(new Date(issue.created_at)),
      resolutionTime: fromEvent(new Date(issue.closed_at)),
      description: fromEvent(issue.title),
      reportedBy: fromEvent(issue.user?.login),
      providerId: fromEvent(issue.html_url),
      severity: fromEvent(severity),
      affectedSystems: systems.length ? fromEvent(systems) : undefined,
      prNumber: fromEvent(pr?.number),
      // A pull request of another repository (an incidents repository blaming a service) is Hivel's repo.
      repoUrl: pr?.repoUrl && pr.repoUrl.toLowerCase() !== ownRepo ? fromEvent(pr.repoUrl) : undefined
    }
  }
}

/**
 * Works out defaults for the fields the settings leave empty, or says the event is no incident.
 * Asks the GitHub API only for fields that are both missing and not in the event: the run's jobs
 * (reported-time, description) and the pull request of a commit.
 */
export async function resolveDefaults(settings: Settings, env: RunEnv, now: Date, api?: RunApi): Promise<Defaults | Skip> {
  const event = readEvent(env.eventPath)
  const [owner = '', repo = ''] = env.repository.split('/')
  const github = api ?? new GitHubApi(settings['github-token'], { owner, repo }, settings['timeout-seconds'])
  const base: Defaults = {
    resolutionTime: { value: now, source: 'default' },
    repoUrl: env.repository ? { value: `${env.serverUrl}/${env.repository}`, source: 'run' } : undefined,
    reportedBy: env.actor ? { value: env.actor, source: 'run' } : undefined,
    providerId: env.repository && env.runId ? { value: `${env.repository}/actions/runs/${env.runId}`, source: 'run' } : undefined
  }

  let found: FromEvent | Skip = { defaults: {}, prSha: env.sha }
  if ((env.eventName === 'pull_request' || env.eventName === 'pull_request_target') && event.pull_request) {
    found = { defaults: { prNumber: fromEvent(String(event.pull_request.number)) } }
  } else if (env.eventName === 'workflow_run' && event.workflow_run) {
    found = workflowRunDefaults(event, event.workflow_run, env, settings)
  } else if (env.eventName === 'deployment_status' && event.deployment_status) {
    found = deploymentDefaults(event, event.deployment_status)
  } else if (env.eventName === 'issues' && event.issue) {
    found = issueDefaults(event, event.issue, env, settings)
  }
  if ('skip' in found) return found
  // The event's values replace the run's, except where the event has none.
  const d: Defaults = { ...base }
  for (const key of Object.keys(found.defaults) as (keyof Defaults)[]) {
    if (found.defaults[key]) Object.assign(d, { [key]: found.defaults[key] })
  }

  const needsStart = !settings['reported-time'] && !d.reportedTime
  if (needsStart || (!settings.description && !d.description)) {
    await fromRunJobs(d, github, env, needsStart)
  }
  if (!settings['pr-number'] && !d.prNumber && found.prSha) {
    const pr = await github.pullRequestForCommit(found.prSha).catch(orSet('pr-number'))
    if (pr) {
      core.info(`Pull request #${pr} is the one commit ${found.prSha.slice(0, 7)} belongs to (GitHub API).`)
      d.prNumber = { value: String(pr), source: 'GitHub API' }
    } else {
      core.info(`GitHub lists no pull request for commit ${found.prSha.slice(0, 7)}.`)
    }
  }
  return d
}

/**
 * The rollback case: the incident began when the earliest failed job of this run attempt ended,
 * or when the attempt started if none failed. Without reported-time the API is required; for the
 * description alone it is a nicety, so its failure is only logged.
 */
async function fromRunJobs(d: Defaults, api: RunApi, env: RunEnv, required: boolean): Promise<void> {
  const runUrl = `${env.serverUrl}/${env.repository}/actions/runs/${env.runId}`
  const workflow = env.workflow || 'The workflow'
  let jobs: Job[]
  try {
    jobs = await api.jobs(env.runId, env.runAttempt)
  } catch (error) {
    if (required) return orSet('reported-time')(error as Error)
    // Without a token the user chose not to ask GitHub; any other failure is worth a line in the log.
    const log = error instanceof MissingTokenError ? core.debug : core.info
    log(`No default description: ${(error as Error).message}.`)
    return
  }
  const failed = jobs
    .filter(j => FAILED_JOB.has(j.conclusion ?? '') && j.completed_at)
    .sort((a, b) => Date.parse(a.completed_at ?? '') - Date.parse(b.completed_at ?? ''))
  const prefix = `${workflow} failed: `
  const room = FIELD_LIMIT - prefix.length - runUrl.length - ' ()'.length
  const names = failed.map(j => j.name)
  const text = names.length ? prefix + jobList(names, room) : `${workflow} reported an incident`
  d.description = { value: withLink(text, runUrl), source: 'GitHub API' }
  if (!required) return
  if (failed.length) {
    core.info(`The incident began when job '${failed[0].name}' failed at ${failed[0].completed_at} (GitHub API).`)
    d.reportedTime = { value: new Date(failed[0].completed_at ?? ''), source: 'GitHub API' }
    return
  }
  const began = await api.runStartedAt(env.runId, env.runAttempt).catch(orSet('reported-time'))
  if (began) {
    core.info(`No job of this run failed, so the incident is dated from the run's start, ${began} (GitHub API).`)
    d.reportedTime = { value: new Date(began), source: 'GitHub API' }
  }
}
