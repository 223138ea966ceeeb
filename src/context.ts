/**
 * The incident draft for this run: the situation its event is (src/situations/), laid over the
 * run's own defaults, with the pull request asked of the GitHub API only when nothing else gives it.
 * An explicit input always wins (src/incident.ts lays the inputs over the draft).
 */
import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import type { Deployment, DeploymentStatus, GitHubApi, Issue, Pull, Run } from './github-api.js'
import { EVENT_OBJECTS, isIncidentEvent } from './events.js'
import * as log from './log.js'
import { clean } from './redact.js'
import type { Settings } from './schema.js'
import type { DeploymentDraft } from './deployment.js'
import { deploymentSituation, statusDeployment } from './situations/deployment.js'
import { ContextError, Defaults, Draft, isSkip, Skip } from './situations/draft.js'
import { issueSituation } from './situations/issue.js'
import { revertSituation } from './situations/revert.js'
import { fromRunJobs, orSet, thisRunDeployment } from './situations/rollback.js'
import { runDeployment, workflowRunSituation } from './situations/workflow-run.js'

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
  runNumber?: number
  /** The branch or tag the run is on (GITHUB_REF_NAME). */
  refName?: string
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
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT || 1),
    runNumber: env.GITHUB_RUN_NUMBER ? Number(env.GITHUB_RUN_NUMBER) : undefined,
    refName: env.GITHUB_REF_NAME || undefined
  }
}

/* Only the event fields the situations read (shapes from GitHub's webhook payloads). */
export interface EventPayload {
  action?: string
  pull_request?: Pull
  workflow_run?: Run
  workflow?: { name?: string }
  deployment_status?: DeploymentStatus
  deployment?: Deployment
  issue?: Issue
}

/** The event payload the runner wrote, or nothing when it cannot be read. */
export function readEvent(path: string | undefined): EventPayload {
  if (!path) return {}
  try {
    const event: unknown = JSON.parse(readFileSync(path, 'utf8'))
    // JSON null or a list is no payload: read as one without its object.
    return typeof event === 'object' && event !== null && !Array.isArray(event) ? event : {}
  } catch (error) {
    core.warning(`Could not read the event payload at GITHUB_EVENT_PATH: ${clean((error as Error).message, [])}`, {
      title: 'Event payload not read'
    })
    return {}
  }
}

/** The newest few runs or deployments usually decide a recovery: the first page is small, the rest are pages of 100. */
const FIRST_PAGE = 10

/** The event payload, refused when an event the action reads lacks its object. */
export function readEventOf(env: RunEnv): EventPayload {
  const event = readEvent(env.eventPath)
  // Read as a rollback, an event without its object would file this run as an incident.
  const missing = (EVENT_OBJECTS[env.eventName] ?? []).filter(key => !event[key])
  if (missing.length) {
    throw new ContextError(
      `The ${env.eventName} event's payload (GITHUB_EVENT_PATH) has no ${missing.join(' or ')}, so it cannot be read as the incident it may be; nothing was sent. Run the action on the event as GitHub delivers it.`
    )
  }
  return event
}

/** The situation the event is: a draft of its incident, or a skip with the reason. */
async function situation(event: EventPayload, settings: Settings, env: RunEnv, api: GitHubApi): Promise<Draft | Skip> {
  const where = { repository: env.repository, serverUrl: env.serverUrl }
  const lookBack = settings['look-back']
  const fileOn = settings['file-on']
  if ((env.eventName === 'pull_request' || env.eventName === 'pull_request_target') && event.pull_request) {
    // A closed pull request is a revert to file or nothing; any other (a rollback job on a pull request) blames it.
    if (event.action === 'closed') {
      const options = { branches: settings['revert-branches'], severityInput: settings.severity !== undefined }
      return revertSituation(event.pull_request, options, where, api)
    }
    return { defaults: { prNumber: { value: String(event.pull_request.number), source: 'event' } } }
  }
  if (env.eventName === 'workflow_run' && event.workflow_run) {
    const run = { ...event.workflow_run, name: event.workflow_run.name || event.workflow?.name }
    return workflowRunSituation(event.action, run, fileOn, where, () => ({
      api,
      older: api.workflowRuns(run.workflow_id ?? 0, run.head_branch ?? undefined, { first: FIRST_PAGE }),
      lookBack
    }))
  }
  if (env.eventName === 'deployment_status' && event.deployment_status && event.deployment) {
    const deployment = {
      ...event.deployment,
      environment: event.deployment.environment || event.deployment_status.environment || 'an environment'
    }
    return deploymentSituation({ deployment, status: event.deployment_status }, fileOn, where, () => ({
      api,
      older: api.deployments(deployment.environment, { first: FIRST_PAGE }),
      lookBack
    }))
  }
  if (env.eventName === 'issues' && event.issue) return issueSituation(event.action, event.issue, settings['incident-label'], where)
  // Any other run (a rollback job, a manual form): the run's own commit, times from its jobs.
  return { defaults: {}, prSha: env.sha }
}

/**
 * Works out the draft for the fields the settings leave empty, or says the event is no incident.
 * Asks the GitHub API only for what is both missing and not in the event. alongside runs once the
 * event is known to be an incident, beside those look-ups rather than after them (the ledger read).
 */
export async function resolveDraft(
  settings: Settings,
  env: RunEnv,
  now: Date,
  api: GitHubApi,
  alongside: (draft: Draft) => Promise<void> = () => Promise.resolve(),
  event: EventPayload = readEventOf(env)
): Promise<Draft | Skip> {
  const found = await log.group("GitHub API: the event's history", () => situation(event, settings, env, api))
  if (isSkip(found)) return found
  const base: Defaults = {
    resolutionTime: { value: now, source: 'default' },
    repoUrl: env.repository ? { value: `${env.serverUrl}/${env.repository}`, source: 'run' } : undefined,
    reportedBy: env.actor ? { value: env.actor, source: 'run' } : undefined,
    providerId: env.repository && env.runId ? { value: `${env.repository}/actions/runs/${env.runId}`, source: 'run' } : undefined
  }
  const draft = layOver(found, base)
  const d = draft.defaults
  const needsStart = !settings['reported-time'] && !d.reportedTime
  const lookUps = () =>
    every([
      ...(needsStart || (!settings.description && !d.description)
        ? [() => log.group(`GitHub API: the jobs of run ${env.runId}`, () => fromRunJobs(d, api, env, needsStart))]
        : []),
      ...(settings['pr-number'] ? [] : [() => findPullRequest(draft, api)])
    ])
  const [looked, beside] = await Promise.allSettled([lookUps(), alongside(draft)])
  for (const result of [looked, beside]) if (result.status === 'rejected') throw result.reason
  return draft
}

/**
 * Makes each look-up even when one before it failed, so that one run meets every permission it
 * lacks (and names them all at once); then throws the first failure.
 */
async function every(steps: (() => Promise<void>)[]): Promise<void> {
  const failures: unknown[] = []
  for (const step of steps) await step().catch((error: unknown) => failures.push(error))
  if (failures.length) throw failures[0]
}

/**
 * The deployment this run's event is (deployments: true): a completed run of the deploy workflow,
 * a GitHub deployment's final status, or, for any other event, this run itself (a step inside the
 * deploy workflow); undefined for issues and pull requests, which are no deployments.
 */
export async function resolveDeployment(
  settings: Settings,
  env: RunEnv,
  now: Date,
  api: GitHubApi,
  event: EventPayload = readEventOf(env)
): Promise<DeploymentDraft | Skip | undefined> {
  const where = { repository: env.repository, serverUrl: env.serverUrl }
  let found: DeploymentDraft | Skip | undefined
  if (env.eventName === 'workflow_run' && event.workflow_run)
    found = runDeployment({ ...event.workflow_run, name: event.workflow_run.name || event.workflow?.name }, where)
  else if (env.eventName === 'deployment_status' && event.deployment && event.deployment_status) {
    // The environment as the incident reads it: the status names it when the deployment does not.
    const deployment = { ...event.deployment, environment: event.deployment.environment || event.deployment_status.environment || '' }
    found = statusDeployment({ deployment, status: event.deployment_status }, where)
  } else if (!isIncidentEvent(env.eventName))
    found = await log.group(`GitHub API: the jobs of run ${env.runId}`, () => thisRunDeployment(api, env, settings['deploy-jobs'], now))
  return found && !isSkip(found) ? withPullRequest(found, api) : found
}

/**
 * A deployment with the pull request of its commit when the event named none. Optional for Hivel,
 * but a look-up that failed is no answer: it is thrown, never a silent gap.
 */
export async function withPullRequest(found: DeploymentDraft, api: Pick<GitHubApi, 'pullRequestForCommit'>): Promise<DeploymentDraft> {
  if (found.prNumber || !found.commit) return found
  const draft: Draft = { defaults: {}, prSha: found.commit }
  await findPullRequest(draft, api, undefined)
  return { ...found, prNumber: draft.defaults.prNumber?.value }
}

/** The draft with the run's defaults beneath: the situation's values replace the run's, except where it has none. */
export function layOver(found: Draft, base: Defaults): Draft {
  const d: Defaults = { ...base }
  for (const key of Object.keys(found.defaults) as (keyof Defaults)[]) {
    if (found.defaults[key]) Object.assign(d, { [key]: found.defaults[key] })
  }
  return { ...found, defaults: d }
}

/** Fills the pull request from the draft's commit when nothing named one. */
export async function findPullRequest(
  draft: Draft,
  api: Pick<GitHubApi, 'pullRequestForCommit'>,
  /** The input that would make the look-up unnecessary, named on failure (none in a backfill). */
  input: string | undefined = 'pr-number'
): Promise<void> {
  const sha = draft.prSha
  if (draft.defaults.prNumber || !sha) return
  await log.group(`GitHub API: the pull request of commit ${sha.slice(0, 7)}`, () => lookUpPullRequest(draft, sha, api, input))
}

/** findPullRequest's look-up, in its log group. */
async function lookUpPullRequest(
  draft: Draft,
  sha: string,
  api: Pick<GitHubApi, 'pullRequestForCommit'>,
  input: string | undefined
): Promise<void> {
  const found = api.pullRequestForCommit(sha)
  const pr = await (input ? found.catch(orSet(input)) : found)
  if (pr) {
    log.info(clean(`Pull request #${pr} is the one commit ${sha.slice(0, 7)} belongs to (GitHub API).`, []))
    draft.defaults.prNumber = { value: String(pr), source: 'GitHub API' }
  } else {
    log.info(clean(`GitHub lists no pull request for commit ${sha.slice(0, 7)}.`, []))
    // Not a bad input (none was given): the commit was pushed without a pull request, so there is nothing to blame.
    if (input) {
      const message = `GitHub lists no pull request for commit ${sha.slice(0, 7)} (pushed without one), so this incident has no change to blame and nothing was sent. Set ${input} to the pull request whose change caused it (44, #44 or its URL).`
      draft.problems = [...(draft.problems ?? []), { field: 'pr-number', message: clean(message, []) }]
    }
  }
}
