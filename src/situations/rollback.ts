/**
 * A rollback job in the same run (and any run that is not itself an incident event): the incident
 * began when the earliest failed job of this run attempt ended, or when the attempt started if none
 * failed, and ends when the step runs.
 */
import * as log from '../log.js'
import { GitHubApi, GitHubApiError, Job, MissingTokenError, RateLimitError } from '../github-api.js'
import { clean } from '../redact.js'
import { FIELD_LIMIT, withLink } from '../text.js'
import type { DeploymentDraft, DeploymentResult } from '../deployment.js'
import { ContextError, Defaults, Skip } from './draft.js'

// A job that failed or ran out of time marks the incident's start; a cancelled one does not.
const FAILED_JOB = new Set(['failure', 'timed_out'])

/** The run the step belongs to. */
export interface ThisRun {
  serverUrl: string
  repository: string
  workflow?: string
  runId: number
  runAttempt: number
  runNumber?: number
  sha?: string
  refName?: string
}

/** A failed look-up, with the input that would have made it unnecessary. */
export const orSet = (input: string) => (error: Error) => {
  // A rate-limit stop is resumed by running again, not by an input.
  if (error instanceof RateLimitError) return Promise.reject(error)
  const message = `${error.message}. Or set ${input}.`
  // Still a GitHub failure of its kind: a backfill tells an answer that did not come from a refusal.
  if (error instanceof GitHubApiError && !(error instanceof MissingTokenError))
    return Promise.reject(new GitHubApiError(message, error.status))
  return Promise.reject(new ContextError(message))
}

/** Job names listed until they would not fit, then "and N more". */
function jobList(names: string[], room: number): string {
  for (let shown = names.length; shown > 1; shown--) {
    const text = names.slice(0, shown).join(', ') + (shown < names.length ? ` and ${names.length - shown} more` : '')
    if (text.length <= room) return text
  }
  return names.length > 1 ? `${names[0]} and ${names.length - 1} more` : names[0]
}

/**
 * Fills reported-time and description from the run's jobs. Without reported-time the API is
 * required; for the description alone it is a nicety, so its failure is only logged.
 */
export async function fromRunJobs(
  d: Defaults,
  api: Pick<GitHubApi, 'jobs' | 'runAttempt'>,
  run: ThisRun,
  required: boolean
): Promise<void> {
  const runUrl = `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}`
  const workflow = run.workflow || 'The workflow'
  let jobs: Job[]
  try {
    jobs = await api.jobs(run.runId, run.runAttempt)
  } catch (error) {
    if (required) return orSet('reported-time')(error as Error)
    // Without a token the user chose not to ask GitHub; any other failure is worth a line in the log.
    const write = error instanceof MissingTokenError ? log.debug : log.info
    write(`No default description: ${(error as Error).message}.`)
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
    log.info(clean(`The incident began when job '${failed[0].name}' failed at ${failed[0].completed_at} (GitHub API).`, []))
    d.reportedTime = { value: new Date(failed[0].completed_at ?? ''), source: 'GitHub API' }
    return
  }
  const attempt = await api.runAttempt(run.runId, run.runAttempt).catch(orSet('reported-time'))
  const began = attempt.run_started_at ?? attempt.created_at
  log.info(clean(`No job of this run failed, so the incident is dated from the run's start, ${began} (GitHub API).`, []))
  d.reportedTime = { value: new Date(began), source: 'GitHub API' }
}

/** Job conclusions that say a deploy job failed; a skipped job neither deployed nor failed. */
const DEPLOY_FAILED = new Set(['failure', 'timed_out', 'startup_failure'])

/**
 * The deployment this run is, for a step inside the deploy workflow (after the deploy jobs, with
 * `if: always()`): from the first job's start to now, its status from the deploy jobs (deploy-jobs,
 * else every other job of the run that has completed). One id per attempt, the same a workflow_run
 * event of this run gives, so both report one deployment.
 */
export async function thisRunDeployment(
  api: Pick<GitHubApi, 'jobs'>,
  run: ThisRun,
  deployJobs: readonly string[] | undefined,
  now: Date
): Promise<DeploymentDraft | Skip> {
  const runUrl = `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}`
  const jobs = await api.jobs(run.runId, run.runAttempt)
  const unknown = deployJobs?.filter(name => !jobs.some(j => j.name === name)) ?? []
  if (unknown.length) {
    throw new ContextError(
      `deploy-jobs names ${unknown.map(n => `"${n}"`).join(', ')}, not a job of this run. Accepted: job names as the run shows them, one of ${jobs.map(j => `"${j.name}"`).join(', ')}.`
    )
  }
  const deploy = jobs.filter(j => (deployJobs ? deployJobs.includes(j.name) : j.status === 'completed'))
  const conclusions = deploy.map(j => j.conclusion ?? '')
  const status: DeploymentResult | undefined = conclusions.some(c => DEPLOY_FAILED.has(c))
    ? 'failed'
    : conclusions.includes('cancelled')
      ? 'cancelled'
      : conclusions.includes('success')
        ? 'success'
        : undefined
  if (!status) {
    return {
      skip: `No deploy job of ${runUrl} ran (${deploy.length ? `${deploy.map(j => `${j.name}: ${j.conclusion ?? j.status ?? 'not done'}`).join(', ')}` : 'none has completed'}): nothing was deployed, so no deployment is sent.`
    }
  }
  const starts = jobs.map(j => Date.parse(j.started_at)).filter(Number.isFinite)
  return {
    deploymentId: `${run.repository}/actions/runs/${run.runId}/attempts/${run.runAttempt}`,
    status,
    start: new Date(starts.length ? Math.min(...starts) : now.getTime()),
    end: now,
    repoUrl: `${run.serverUrl}/${run.repository}`,
    branch: run.refName ?? '',
    commit: run.sha || undefined,
    buildNumber: run.runNumber === undefined ? undefined : String(run.runNumber),
    logsUrl: runUrl
  }
}
