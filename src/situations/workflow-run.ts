/**
 * A deploy workflow's outage: from when the first failed run of a stretch finished to when the next
 * successful run finished (DORA's time to restore). Filed when the workflow recovers, from the
 * `workflow_run` event of the successful run or, in a backfill, from the runs listed for a window.
 */
import { DeploymentDraft, runDeploymentStatus } from '../deployment.js'
import type { GitHubApi, Run } from '../github-api.js'
import { withLink } from '../text.js'
import { Draft, fromApi, fromEvent, Outage, outageDefaults, Outcome, Skip } from './draft.js'
import { LookBack, withinLookBack } from './look-back.js'

/** Conclusions that start or extend an outage; `success` ends one; anything else is passed over. */
export const FAILED_CONCLUSIONS = new Set(['failure', 'timed_out', 'startup_failure'])

const WORDS: Record<string, string> = {
  failure: 'failed',
  timed_out: 'timed out',
  startup_failure: 'failed to start',
  success: 'succeeded'
}

/** The repository and server the runs belong to. */
export interface Where {
  repository: string
  serverUrl: string
}

/** Which run to look back from, and where its older runs come from. */
export interface History {
  api: Pick<GitHubApi, 'runAttempt'>
  /** The workflow's older runs on the same branch, newest first. */
  older: AsyncIterable<Run> | Iterable<Run>
  lookBack: LookBack
}

const outcome = (run: Run, state: string): Outcome => ({
  label: (run.run_attempt ?? 1) > 1 ? `run ${run.id} attempt ${run.run_attempt}` : `run ${run.id}`,
  at: new Date(run.updated_at),
  url: (run.run_attempt ?? 1) > 1 ? `${run.html_url}/attempts/${run.run_attempt}` : run.html_url,
  state
})

/**
 * The outage a successful run ends, or undefined when the outcome before it succeeded too. Earlier
 * attempts of the same run come first (each a request), then the older runs until a success.
 */
export async function outageEndingAt(run: Run, history: History): Promise<{ outage: Outage; first: Run } | undefined> {
  const failed: Run[] = []
  let success = false
  let cutShort: string | undefined
  for (let n = (run.run_attempt ?? 1) - 1; n >= 1 && !success; n--) {
    const attempt = { ...(await history.api.runAttempt(run.id, n)), run_attempt: n }
    if (attempt.conclusion === 'success') success = true
    else if (FAILED_CONCLUSIONS.has(attempt.conclusion ?? '')) failed.push(attempt)
  }
  let seen = 0
  if (!success) {
    for await (const older of history.older) {
      if (older.id >= run.id) continue
      if (!withinLookBack(history.lookBack, ++seen, new Date(older.created_at), new Date(run.updated_at))) {
        cutShort = `no successful run was found within the look-back (${history.lookBack.text})`
        break
      }
      if (older.conclusion === 'success') break
      if (FAILED_CONCLUSIONS.has(older.conclusion ?? '')) failed.push(older)
    }
  }
  if (!failed.length) return undefined
  const first = failed[failed.length - 1]
  return {
    first,
    outage: {
      what: `${runName(run)} on ${run.head_branch ?? run.head_sha.slice(0, 7)}`,
      failures: failed.reverse().map(r => outcome(r, r.conclusion ?? 'failure')),
      recovery: outcome(run, 'success'),
      cutShort
    }
  }
}

const runName = (run: Run) => run.name || 'The workflow'

/** The provider id of an outage: its first failed run (or attempt), whichever later run recovers it. */
export function runProviderId(repository: string, run: Run): string {
  const attempt = run.run_attempt ?? 1
  return `${repository}/actions/runs/${run.id}${attempt > 1 ? `/attempts/${attempt}` : ''}`
}

/** The incident of an outage that a successful run ended. */
export function outageDraft(found: { outage: Outage; first: Run }, recovering: Run, where: Where): Draft {
  const { outage, first } = found
  const pr = first.pull_requests?.[0]
  return {
    defaults: {
      ...outageDefaults(
        outage,
        `${runName(recovering)} failed on ${recovering.head_branch ?? recovering.head_sha.slice(0, 7)}`,
        'failed run',
        runProviderId(where.repository, first),
        recovering.triggering_actor?.login ?? recovering.actor?.login
      ),
      prNumber: pr ? fromApi(String(pr.number)) : undefined
    },
    prSha: first.head_sha,
    outage
  }
}

/** The incident of a failed run at the moment it failed (file-on: failure): time to notice, not to recover. */
export function failureDraft(run: Run, where: Where): Draft {
  const branch = run.head_branch ? ` on ${run.head_branch}` : ` at ${run.head_sha.slice(0, 7)}`
  const pr = run.pull_requests?.[0]
  return {
    defaults: {
      reportedTime: fromEvent(new Date(run.updated_at)),
      description: fromEvent(withLink(`${runName(run)} ${WORDS[run.conclusion ?? ''] ?? 'failed'}${branch}`, run.html_url)),
      providerId: fromEvent(runProviderId(where.repository, run)),
      reportedBy: fromEvent(run.triggering_actor?.login ?? run.actor?.login),
      prNumber: fromEvent(pr && String(pr.number))
    },
    prSha: run.head_sha
  }
}

/** The deployment a completed run of the deploy workflow is (one per attempt), or why it is none. */
export function runDeployment(run: Run, where: Where): DeploymentDraft | Skip {
  const status = runDeploymentStatus(run.conclusion)
  if (run.status !== 'completed' || !status) {
    return {
      skip: `${runName(run)} run ${run.html_url} ${run.status !== 'completed' ? 'has not completed' : `concluded ${run.conclusion ?? 'nothing'}`}: nothing was deployed, so no deployment is sent.`
    }
  }
  return {
    deploymentId: `${where.repository}/actions/runs/${run.id}/attempts/${run.run_attempt ?? 1}`,
    status,
    start: new Date(run.run_started_at ?? run.created_at),
    end: new Date(run.updated_at),
    repoUrl: `${where.serverUrl}/${where.repository}`,
    branch: run.head_branch ?? '',
    commit: run.head_sha,
    prNumber: run.pull_requests?.[0] ? String(run.pull_requests[0].number) : undefined,
    buildNumber: run.run_number === undefined ? undefined : String(run.run_number),
    logsUrl: run.html_url
  }
}

/** What a `workflow_run` event is: a recovery to file, a failure to file or wait on, or nothing. */
export async function workflowRunSituation(
  action: string | undefined,
  run: Run,
  fileOn: 'recovery' | 'failure',
  where: Where,
  history: () => History
): Promise<Draft | Skip> {
  const name = runName(run)
  if ((action && action !== 'completed') || !run.conclusion) {
    return { skip: `Workflow run ${run.html_url} has not completed: no incident yet (trigger on workflow_run types: [completed]).` }
  }
  const branch = run.head_branch ?? run.head_sha.slice(0, 7)
  if (FAILED_CONCLUSIONS.has(run.conclusion)) {
    if (fileOn === 'failure') return failureDraft(run, where)
    return {
      skip: `Workflow run ${run.html_url} ${WORDS[run.conclusion]}: the incident is filed when ${name} next succeeds on ${branch} (file-on: failure files it now).`
    }
  }
  if (run.conclusion !== 'success') {
    return { skip: `Workflow run ${run.html_url} concluded ${run.conclusion}: neither a failure nor a recovery, so nothing is filed.` }
  }
  if (fileOn === 'failure') return { skip: `Workflow run ${run.html_url} succeeded: with file-on: failure only failed runs are filed.` }
  const found = await outageEndingAt(run, history())
  if (!found) return { skip: `Workflow run ${run.html_url} succeeded and the previous run succeeded: nothing to recover from.` }
  return outageDraft(found, run, where)
}
