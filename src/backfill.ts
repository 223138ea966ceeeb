/**
 * A backfill: every past incident in a window, read from history by the same situations a live
 * event uses, each filed exactly once (already recorded → skipped), so running it again files only
 * what is missing. One incident's failure never stops the others.
 */
import * as core from '@actions/core'
import { findPullRequest, layOver, RunEnv } from './context.js'
import { failsStep, Filer, Filing, Outcome } from './filing.js'
import { Deployment, DeploymentStatus, GitHubApi, GitHubApiError, Pull, RateLimitError, Run } from './github-api.js'
import { buildIncident, Built } from './incident.js'
import { clean } from './redact.js'
import { writeBackfillSummary } from './backfill-report.js'
import { guard } from './report.js'
import { InputError, Settings } from './schema.js'
import { outageEndingWith, deploymentOutageDraft } from './situations/deployment.js'
import { ContextError, Draft, fromEvent, isSkip, Skip } from './situations/draft.js'
import { issueSituation } from './situations/issue.js'
import { revertedCommit, revertedIn, revertFields, revertProviderId, revertSituation } from './situations/revert.js'
import { outageDraft, outageEndingAt } from './situations/workflow-run.js'
import { remainingProblems } from './live.js'
import type { Stop } from './stop.js'

/** One incident a backfill found, and what became of it. */
export interface Entry {
  source: string
  draft: Draft
  built?: Built
  outcome?: Outcome | { status: 'cannot file'; problem: string }
  /** The thread is known to have no comments, so no record to read. */
  emptyThread?: boolean
}

/** How often the log says how far a backfill got. */
const PROGRESS_MS = 5000

/** Inputs that describe one incident: a backfill reads each incident's own from history. */
const SINGLE_INCIDENT_INPUTS = [
  'description',
  'reported-time',
  'resolution-time',
  'reported-by',
  'provider-id',
  'pr-number',
  'repo-url'
] as const

/** Refuses inputs that would stamp one value on every incident of a backfill. */
export function checkBackfillInputs(settings: Settings): void {
  const set = SINGLE_INCIDENT_INPUTS.filter(name => settings[name] !== undefined)
  if (set.length) {
    throw new InputError(
      set.map(
        name =>
          `Input '${name}' describes one incident, so a backfill (backfill-since is set) cannot use it: each incident's own is read from history. Remove it.`
      )
    )
  }
}

const inWindow = (at: string | null | undefined, since: Date, until: Date) =>
  !!at && Date.parse(at) >= since.getTime() && Date.parse(at) <= until.getTime()

/** Closed incident issues closed in the window. */
async function fromIssues(settings: Settings, since: Date, until: Date, env: RunEnv, api: GitHubApi): Promise<Entry[]> {
  const entries: Entry[] = []
  for await (const issue of api.closedIssues(settings['incident-label'], since.toISOString())) {
    if (!inWindow(issue.closed_at, since, until)) continue
    const found = issueSituation('closed', issue, settings['incident-label'], env)
    if (!isSkip(found)) entries.push({ source: 'Issues', draft: found, emptyThread: issue.comments === 0 })
  }
  return entries
}

/**
 * Merged reverts merged in the window, each read as the live path reads its closed event. Found in
 * two lists, so that no pull request's commits are read: the closed pull requests (the Revert
 * button's body and branch, a `git revert` message copied into the body) and the commits of the
 * default branch and revert-branches (a `git revert` only in a commit). A pull request or commit
 * already listed is not asked for again, and a revert both lists hold is one revert.
 */
async function fromReverts(settings: Settings, since: Date, until: Date, env: RunEnv, api: GitHubApi): Promise<Entry[]> {
  const options = { branches: settings['revert-branches'], severityInput: settings.severity !== undefined, backfill: true }
  const byNumber = new Map<number, Pull>()
  const byCommit = new Map<string, Pull>()
  for await (const listed of api.closedPulls()) {
    // Newest updated first, and a merge in the window updates the pull request in the window.
    if (Date.parse(listed.updated_at ?? '') < since.getTime()) break
    if (!listed.merged_at) continue
    const pull = revertFields(listed)
    byNumber.set(pull.number, pull)
    for (const sha of [pull.merge_commit_sha, pull.head?.sha]) if (sha) byCommit.set(sha, pull)
  }
  const reverts = new Map<number, { pull: Pull; commit?: string }>()
  // The commits already known reverted, by branch, so that a branch's commit list does not find their reverts again.
  const reverted = new Set<string>()
  const on = (branch: string | undefined, sha: string) => `${branch} ${sha}`
  for (const pull of byNumber.values()) {
    if (!inWindow(pull.merged_at, since, until)) continue
    const named = revertedIn(pull)
    const commit = revertedCommit(pull.body)
    if (!named && !commit) continue
    reverts.set(pull.number, { pull })
    // The Revert button reverts the merge commit of the pull request it names.
    const here = named && (named.repository ?? env.repository).toLowerCase() === env.repository.toLowerCase()
    for (const sha of [commit, here ? byNumber.get(named.number)?.merge_commit_sha : undefined])
      if (sha) reverted.add(on(pull.base?.ref, sha))
  }
  const defaultBranch =
    [...byNumber.values()].find(p => p.base?.repo?.default_branch)?.base?.repo?.default_branch ?? (await api.defaultBranch())
  for (const branch of new Set([defaultBranch, ...(settings['revert-branches'] ?? [])])) {
    for await (const { sha, commit: c } of api.branchCommits(branch, since.toISOString(), until.toISOString())) {
      const commit = revertedCommit(c.message)
      if (!commit || reverted.has(on(branch, commit))) continue
      const pull = byCommit.get(sha) ?? (await api.pullForCommit(sha))
      // A revert pushed without a pull request has no revert to file against.
      if (!pull || reverts.has(pull.number) || !inWindow(pull.merged_at, since, until)) continue
      reverts.set(pull.number, { pull, commit })
      reverted.add(on(branch, commit))
    }
  }
  const entries: Entry[] = []
  for (const { pull, commit } of reverts.values()) {
    let found: Draft | Skip
    try {
      found = await revertSituation(pull, options, env, api, { commit, byNumber, byCommit })
    } catch (error) {
      if (error instanceof RateLimitError || !(error instanceof GitHubApiError)) throw error
      // The reverted pull request could not be read (another repository, most often): listed with the reason, not filed.
      found = {
        defaults: { providerId: fromEvent(revertProviderId(env.repository, pull)) },
        problems: [{ field: 'pr-number', message: clean(error.message, []) }]
      }
    }
    // Only what says it reverts something gets here, so each skip is one a reader may look for.
    if (isSkip(found)) core.info(found.skip)
    else entries.push({ source: 'Reverts', draft: found })
  }
  return entries
}

/** The runs of a workflow from the newest in the window back past its start to the success before it. */
async function runsOf(api: GitHubApi, workflowId: number, branch: string, since: Date, until: Date, settings: Settings): Promise<Run[]> {
  const runs: Run[] = []
  let beforeWindow = 0
  for await (const run of api.workflowRuns(workflowId, branch)) {
    if (Date.parse(run.created_at) > until.getTime()) continue
    runs.push(run)
    if (Date.parse(run.updated_at) < since.getTime()) {
      // The outage of the window's first recovery may have begun before the window: read back as the live path would.
      if (run.conclusion === 'success' || ++beforeWindow >= settings['look-back'].runs) break
    }
  }
  return runs
}

/** The outages of the named workflows on the branch, each ended by a success in the window. */
async function fromWorkflows(settings: Settings, since: Date, until: Date, env: RunEnv, api: GitHubApi): Promise<Entry[]> {
  const names = settings['backfill-workflows'] ?? []
  if (!names.length) return []
  const workflows = await api.workflows()
  const branch = settings['backfill-branch'] ?? (await api.defaultBranch())
  const entries: Entry[] = []
  const read = new Set<number>()
  for (const name of names) {
    const wanted = name.toLowerCase()
    const workflow = workflows.find(w => [w.name, w.path, w.path.split('/').pop()].some(n => n?.toLowerCase() === wanted))
    if (!workflow) {
      throw new ContextError(
        `backfill-workflows names "${name}", which is not a workflow of this repository. Accepted: a file name or name, one of ${workflows.map(w => w.path.split('/').pop()).join(', ')}.`
      )
    }
    // One workflow named twice (by file and by name) is read once.
    if (read.has(workflow.id)) continue
    read.add(workflow.id)
    const runs = await runsOf(api, workflow.id, branch, since, until, settings)
    for (const [i, run] of runs.entries()) {
      if (run.conclusion !== 'success' || !inWindow(run.updated_at, since, until)) continue
      const recovering = { ...run, name: run.name || workflow.name }
      const found = await outageEndingAt(recovering, { api, older: runs.slice(i + 1), lookBack: settings['look-back'] })
      if (found) entries.push({ source: `Workflow ${workflow.name} (${branch})`, draft: outageDraft(found, recovering, env) })
    }
  }
  return entries
}

/** The outages of the named environments, each ended by a successful deployment in the window. */
async function fromEnvironments(settings: Settings, since: Date, until: Date, env: RunEnv, api: GitHubApi): Promise<Entry[]> {
  const entries: Entry[] = []
  // Each deployment's status is asked once, however many outages look at it.
  const statuses = new Map<number, Promise<DeploymentStatus | undefined>>()
  const latest = (id: number) => {
    let status = statuses.get(id)
    if (!status) statuses.set(id, (status = api.latestDeploymentStatus(id)))
    return status
  }
  for (const environment of settings['backfill-environments'] ?? []) {
    const deployments: Deployment[] = []
    let beforeWindow = 0
    for await (const deployment of api.deployments(environment)) {
      if (Date.parse(deployment.created_at) > until.getTime()) continue
      deployments.push(deployment)
      if (Date.parse(deployment.created_at) < since.getTime()) {
        const state = (await latest(deployment.id))?.state
        if (state === 'success' || state === 'inactive' || ++beforeWindow >= settings['look-back'].runs) break
      }
    }
    for (const [i, deployment] of deployments.entries()) {
      const status = await latest(deployment.id)
      if (!status || (status.state !== 'success' && status.state !== 'inactive')) continue
      const history = { api: { latestDeploymentStatus: latest }, older: deployments.slice(i + 1), lookBack: settings['look-back'] }
      // Most successes of the past are inactive by now; only one that ended an outage is worth a request for its success.
      if (!(await outageEndingWith({ deployment, status }, history, env))) continue
      const success = status.state === 'success' ? status : await api.successStatus(deployment.id)
      if (!success || !inWindow(success.created_at, since, until)) continue
      const recovered = { deployment, status: success }
      const found = await outageEndingWith(recovered, history, env)
      if (found) entries.push({ source: `Environment ${environment}`, draft: deploymentOutageDraft(found, recovered, env) })
    }
  }
  return entries
}

/** Why an entry cannot be filed as it stands, and what to fix; undefined when it can. */
function cannotFile(entry: Entry, settings: Settings): string | undefined {
  const problems = remainingProblems(entry.draft, settings)
  if (problems) return problems
  const d = entry.draft.defaults
  if (!d.prNumber) {
    return `No pull request: ${entry.draft.prSha ? `GitHub lists none for commit ${entry.draft.prSha.slice(0, 7)}` : 'history names none'}. File it by hand with pr-number if you know it.`
  }
  if (!d.severity && !settings.severity) return 'No severity: set the severity input (used where history gives none).'
  return undefined
}

/** Runs fn over items, n at a time; a stop (or an error, which stops the others) ends every worker before its next item. */
async function pool<T>(items: T[], n: number, stop: Stop, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length && !stop.reason) {
      try {
        await fn(items[next++])
      } catch (error) {
        stop.request(clean((error as Error).message, []))
        throw error
      }
    }
  }
  const failed = (await Promise.allSettled(Array.from({ length: n }, worker))).find(r => r.status === 'rejected')
  if (failed) throw failed.reason
}

/** Gives each entry its pull request, severity and payload, or the reason it cannot be filed. */
async function prepare(entries: Entry[], settings: Settings, now: Date, api: GitHubApi, stop: Stop): Promise<void> {
  // The severity input is a fallback here: an issue's own label wins, as the live path's would for that issue.
  const forBuild: Settings = { ...settings, severity: undefined }
  await pool(entries, settings['backfill-concurrency'], stop, async entry => {
    try {
      await findPullRequest(entry.draft, api)
    } catch (error) {
      if (error instanceof RateLimitError) return stop.request(clean(error.message, []))
      if (!(error instanceof GitHubApiError)) throw error
      const problem = clean(error.message, [])
      // An answer that did not come is no reason to give up on an incident: a re-run asks again.
      entry.outcome =
        error.status === undefined || error.status >= 500
          ? { status: 'not sent', problem: `Not sent: ${problem}. Run the backfill again to resume.` }
          : { status: 'cannot file', problem }
      return
    }
    if (!entry.draft.defaults.severity && settings.severity) entry.draft.defaults.severity = { value: settings.severity, source: 'input' }
    const problem = cannotFile(entry, settings)
    if (problem) {
      entry.outcome = { status: 'cannot file', problem }
      return
    }
    try {
      entry.built = buildIncident(forBuild, entry.draft.defaults, now)
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      entry.outcome = { status: 'cannot file', problem: clean(error.problems.join(' '), []) }
    }
  })
}

/** Files the ready entries in batches of backfill-concurrency through the ledger, until done or stopped. */
async function fileAll(entries: Entry[], settings: Settings, filer: Filer, stop: Stop): Promise<void> {
  const ready = entries.filter(e => e.built && !e.outcome)
  const n = settings['backfill-concurrency']
  const batches: { entries: Entry[]; outcomes: Outcome[] }[] = []
  for (let i = 0; i < ready.length && !stop.reason; i += n) {
    const batch = ready.slice(i, i + n)
    const outcomes = await filer.file(batch.map(e => ({ built: e.built as Built, thread: e.draft.thread })))
    batches.push({ entries: batch, outcomes })
    batch.forEach((e, j) => (e.outcome = outcomes[j]))
  }
  await filer.confirm()
  // A confirmation that could not be written rewrites its outcomes.
  for (const { entries: batch, outcomes } of batches) batch.forEach((e, j) => (e.outcome = outcomes[j]))
}

/** Keeps the first entry of each provider id: one outage found twice (pages that shift while read) is filed once. */
function unique(entries: Entry[]): Entry[] {
  const seen = new Set<string>()
  return entries.filter(e => {
    const id = e.draft.defaults.providerId?.value
    if (!id) return true
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

/** What the failed outcomes of a backfill mean and what to do, one sentence per kind. */
function failedText(entries: Entry[]): string | undefined {
  const count = (status: Outcome['status']) => entries.filter(e => e.outcome && e.outcome.status === status && failsStep(e.outcome)).length
  const parts = [
    [count('failed'), 'could not be delivered (Hivel refused them or did not take them): a re-run sends them again'],
    [count('not sent'), 'were not sent: a re-run sends them'],
    [
      count('unsure'),
      'are unsure (Hivel may have them): look for their provider ids in Hivel and run again with resend: for those it lacks'
    ],
    [count('not recorded'), 'were filed but the ledger could not record them: no run sends them again']
  ].filter(([n]) => n) as [number, string][]
  return parts.length
    ? `Of ${entries.length} incidents, ${parts.map(([n, what]) => `${n} ${what}`).join('; ')} (see the job summary).`
    : undefined
}

/** Counts by status, "500 found, 480 filed, 20 already filed", for the log and the summary. */
export function tallyText(entries: Entry[], separator = ', '): string {
  const counts: Record<string, number> = { found: entries.length }
  for (const e of entries) if (e.outcome) counts[e.outcome.status] = (counts[e.outcome.status] ?? 0) + 1
  return Object.entries(counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(separator)
}

/** Runs a backfill of the window the settings give. */
export async function backfill(settings: Settings, env: RunEnv, now: Date, api: GitHubApi, filing: Filing): Promise<void> {
  checkBackfillInputs(settings)
  const since = settings['backfill-since'] as Date
  const until = settings['backfill-until'] ?? now
  core.info(
    `Backfill of ${since.toISOString()} to ${until.toISOString()}${filing.dryRun ? ' (dry run: nothing is sent or recorded)' : ''}.`
  )
  const entries: Entry[] = []
  const progress = setInterval(() => core.info(`Progress: ${tallyText(entries)}; ${api.requests} GitHub API requests so far.`), PROGRESS_MS)
  let stopped: string | undefined
  try {
    const found = [
      ...(settings['backfill-issues'] ? await fromIssues(settings, since, until, env, api) : []),
      ...(await fromWorkflows(settings, since, until, env, api)),
      ...(await fromEnvironments(settings, since, until, env, api)),
      ...(settings['backfill-reverts'] ? await fromReverts(settings, since, until, env, api) : [])
    ]
    for (const entry of found)
      entry.draft = layOver(entry.draft, { repoUrl: { value: `${env.serverUrl}/${env.repository}`, source: 'run' } })
    found.sort((a, b) => (a.draft.defaults.reportedTime?.value.getTime() ?? 0) - (b.draft.defaults.reportedTime?.value.getTime() ?? 0))
    entries.push(...unique(found))
    core.info(`Found ${entries.length} incident${entries.length === 1 ? '' : 's'} in the window.`)
    const filer = await Filer.open({ ...filing, quiet: true }, api)
    for (const entry of entries) if (entry.emptyThread && entry.draft.thread) filer.comments?.knownEmpty(entry.draft.thread)
    await prepare(entries, settings, now, api, filing.stop)
    await fileAll(entries, settings, filer, filing.stop)
  } catch (error) {
    if (!(error instanceof RateLimitError)) throw error
    filing.stop.request(clean(error.message, []))
  } finally {
    clearInterval(progress)
  }
  if (filing.stop.reason) {
    stopped = `${filing.stop.reason}. Stopped after ${tallyText(entries)}: run it again with the same inputs to resume; the ledger holds what was sent, so nothing is sent twice.`
  }
  core.info(`Backfill done: ${tallyText(entries)}; ${api.requests} GitHub API requests.`)
  const filed = entries.filter(e => e.outcome?.status === 'filed')
  guard('set the outputs', () => {
    core.setOutput('filed', String(filed.length))
    core.setOutput(
      'incidents',
      JSON.stringify(
        entries.map(e => ({
          provider_id: e.built?.payload.provider_id ?? e.draft.defaults.providerId?.value ?? '',
          incident_id: e.outcome && 'incidentId' in e.outcome ? e.outcome.incidentId : '',
          status: e.outcome?.status ?? 'not reached'
        }))
      )
    )
  })
  await writeBackfillSummary(entries, { since, until, dryRun: filing.dryRun, stopped })
  const failed = failedText(entries)
  if (stopped || failed) throw new ContextError([stopped, failed].filter(Boolean).join(' '))
}
