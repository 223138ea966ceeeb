/**
 * A backfill: every past incident in a window, read from history by the same situations a live
 * event uses, each filed exactly once (already recorded → skipped), so running it again files only
 * what is missing. One incident's failure never stops the others.
 */
import * as core from '@actions/core'
import { findPullRequest, layOver, RunEnv, withPullRequest } from './context.js'
import { buildDeployment, DeploymentDraft, DeploymentPayload } from './deployment.js'
import { failsStep, Filer, Filing, Item, Outcome } from './filing.js'
import { DEPLOYMENT, INCIDENT } from './hivel.js'
import { Deployment, DeploymentStatus, GitHubApi, GitHubApiError, Pull, RateLimitError, Run } from './github-api.js'
import { buildIncident, Built } from './incident.js'
import * as log from './log.js'
import { clean } from './redact.js'
import { writeBackfillSummary } from './backfill-report.js'
import { guard } from './report.js'
import { InputError, Settings } from './schema.js'
import { outageEndingWith, deploymentOutageDraft, statusDeployment } from './situations/deployment.js'
import { ContextError, Draft, fromEvent, isSkip, Skip } from './situations/draft.js'
import { issueSituation } from './situations/issue.js'
import { revertedCommit, revertedIn, revertFields, revertProviderId, revertSituation } from './situations/revert.js'
import { outageDraft, outageEndingAt, runDeployment } from './situations/workflow-run.js'
import { pool } from './pool.js'
import { remainingProblems } from './live.js'
import type { Stop } from './stop.js'

/** One incident a backfill found, and what became of it. */
export interface Entry {
  source: string
  draft: Draft
  built?: Built
  outcome?: Outcome | { status: 'cannot file'; problem: string }
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

/** What every source of a backfill reads from: the settings, the window, the run and the GitHub API. */
interface Scope {
  settings: Settings
  since: Date
  until: Date
  env: RunEnv
  api: GitHubApi
}

const inWindow = (at: string | null | undefined, since: Date, until: Date) =>
  !!at && Date.parse(at) >= since.getTime() && Date.parse(at) <= until.getTime()

/** Closed incident issues closed in the window. */
async function fromIssues({ settings, since, until, env, api }: Scope): Promise<Entry[]> {
  const entries: Entry[] = []
  for await (const issue of api.closedIssues(settings['incident-label'], since.toISOString())) {
    if (!inWindow(issue.closed_at, since, until)) continue
    const found = issueSituation('closed', issue, settings['incident-label'], env)
    if (!isSkip(found)) entries.push({ source: 'Issues', draft: found })
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
async function fromReverts({ settings, since, until, env, api }: Scope): Promise<Entry[]> {
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
  const defaultBranch = await api.defaultBranch()
  for (const branch of new Set([defaultBranch, ...(settings['revert-branches'] ?? [])])) {
    try {
      for await (const { sha, commit: c } of api.branchCommits(branch, since.toISOString(), until.toISOString())) {
        const commit = revertedCommit(c.message)
        if (!commit || reverted.has(on(branch, commit))) continue
        const pull = byCommit.get(sha) ?? (await api.pullForCommit(sha))
        // A revert pushed without a pull request has no revert to file against.
        if (!pull || reverts.has(pull.number) || !inWindow(pull.merged_at, since, until)) continue
        reverts.set(pull.number, { pull, commit })
        reverted.add(on(branch, commit))
      }
    } catch (error) {
      // GitHub answers 409 for the commits of a repository that has none yet: nothing to revert.
      if (!(error instanceof GitHubApiError) || error.status !== 409) throw error
      core.info(`${env.repository} has no commits yet, so no reverts to read.`)
      break
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

// A window's runs and deployments are kept until its outages are read: only the fields outages use, so that
// memory follows the count, not GitHub's run objects (each carries its repository, several kilobytes).
const login = (user: { login: string } | null | undefined) => (user ? { login: user.login } : user)
const slimRun = (r: Run): Run => ({
  id: r.id,
  name: r.name,
  run_number: r.run_number,
  run_attempt: r.run_attempt,
  status: r.status,
  conclusion: r.conclusion,
  head_branch: r.head_branch,
  head_sha: r.head_sha,
  html_url: r.html_url,
  created_at: r.created_at,
  updated_at: r.updated_at,
  run_started_at: r.run_started_at,
  workflow_id: r.workflow_id,
  pull_requests: r.pull_requests?.map(p => ({ number: p.number })),
  actor: login(r.actor),
  triggering_actor: login(r.triggering_actor)
})
const slimDeployment = (d: Deployment): Deployment => ({
  id: d.id,
  sha: d.sha,
  ref: d.ref,
  environment: d.environment,
  created_at: d.created_at,
  creator: login(d.creator)
})

/** The runs of a workflow from the newest in the window back past its start to the success before it. */
async function runsOf(api: GitHubApi, workflowId: number, branch: string, since: Date, until: Date, settings: Settings): Promise<Run[]> {
  const runs: Run[] = []
  let beforeWindow = 0
  for await (const run of api.workflowRuns(workflowId, branch)) {
    if (Date.parse(run.created_at) > until.getTime()) continue
    runs.push(slimRun(run))
    if (Date.parse(run.updated_at) < since.getTime()) {
      // The outage of the window's first recovery may have begun before the window: read back as the live path would.
      if (run.conclusion === 'success' || ++beforeWindow >= settings['look-back'].runs) break
    }
  }
  return runs
}

/** The outages of the named workflows on the branch, each ended by a success in the window. */
async function fromWorkflows({ settings, since, until, env, api }: Scope, deploys: DeploymentDraft[]): Promise<Entry[]> {
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
    if (settings['backfill-deployments']) {
      for (const run of runs.filter(r => inWindow(r.updated_at, since, until))) {
        const deployed = runDeployment({ ...run, name: run.name || workflow.name }, env)
        if (!isSkip(deployed)) deploys.push(deployed)
      }
    }
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
async function fromEnvironments({ settings, since, until, env, api }: Scope, deploys: DeploymentDraft[]): Promise<Entry[]> {
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
      deployments.push(slimDeployment(deployment))
      if (Date.parse(deployment.created_at) < since.getTime()) {
        const state = (await latest(deployment.id))?.state
        if (state === 'success' || state === 'inactive' || ++beforeWindow >= settings['look-back'].runs) break
      }
    }
    if (settings['backfill-deployments']) {
      for (const deployment of deployments.filter(d => inWindow(d.created_at, since, until))) {
        const status = await latest(deployment.id)
        // A success replaced by a newer one reads inactive now: the deployment is its success.
        const final = status?.state === 'inactive' ? await api.successStatus(deployment.id) : status
        const deployed = final && statusDeployment({ deployment, status: final }, env)
        if (deployed && !isSkip(deployed)) deploys.push(deployed)
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

/**
 * Makes a look-up a record needs. A failed one is no answer (only an empty list says "no pull
 * request"): the record is not sent, in red, and a re-run asks again; a spent rate limit stops the
 * run. Whether it was answered.
 */
async function lookUp(record: Filed, stop: Stop, ask: () => Promise<void>): Promise<boolean> {
  try {
    await ask()
    return true
  } catch (error) {
    if (error instanceof RateLimitError) stop.request(clean(error.message, []))
    else if (error instanceof GitHubApiError)
      record.outcome = { status: 'not sent', problem: `Not sent: ${clean(error.message, [])}; a re-run of the backfill sends it.` }
    else throw error
    return false
  }
}

/** Builds a record's payload, or gives it the reason it cannot be filed as it stands. */
function build<T>(record: Filed, make: () => T): T | undefined {
  try {
    return make()
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    record.outcome = { status: 'cannot file', problem: clean(error.problems.join(' '), []) }
    return undefined
  }
}

/** A backfill record's look-ups in a log group named for it ("issue #12"), each line too. */
function inGroup(id: string, work: () => Promise<void>): Promise<void> {
  const name = log.recordName(id)
  return log.group(`Backfill: ${name}`, work, name)
}

/** Gives each entry its pull request, severity and payload, or the reason it cannot be filed. */
async function prepare(entries: Entry[], settings: Settings, now: Date, api: GitHubApi, stop: Stop, filer: Filer): Promise<void> {
  // The severity input is a fallback here: an issue's own label wins, as the live path's would for that issue.
  const forBuild: Settings = { ...settings, severity: undefined }
  await pool(entries, settings['backfill-concurrency'], stop, entry =>
    inGroup(entry.draft.defaults.providerId?.value ?? entry.source, () => prepareOne(entry, settings, forBuild, now, api, stop, filer))
  )
}

/** One incident of prepare(). */
async function prepareOne(
  entry: Entry,
  settings: Settings,
  forBuild: Settings,
  now: Date,
  api: GitHubApi,
  stop: Stop,
  filer: Filer
): Promise<void> {
  if ((entry.outcome = filer.filedBefore(INCIDENT, entry.draft.defaults.providerId?.value ?? ''))) return
  if (!(await lookUp(entry, stop, () => findPullRequest(entry.draft, api, undefined)))) return
  if (!entry.draft.defaults.severity && settings.severity) entry.draft.defaults.severity = { value: settings.severity, source: 'input' }
  const problem = cannotFile(entry, settings)
  if (problem) {
    entry.outcome = { status: 'cannot file', problem }
    return
  }
  entry.built = build(entry, () => buildIncident(forBuild, entry.draft.defaults, now))
}

/**
 * Incidents reserved in one ledger commit: each commit costs three requests, so a batch of 16 keeps
 * the ledger under half a request per incident; a kill leaves at most one batch `sending` (unsure).
 */
const LEDGER_BATCH = 16

/** A record a backfill files, and what became of it. */
type Filed = { outcome?: Outcome | { status: 'cannot file'; problem: string } }

/** The records of one ledger batch and their outcomes, which a confirmation that fails rewrites. */
type Batch<T> = { records: T[]; outcomes: Outcome[] }

/**
 * Files the ready records (an item and no outcome yet) through the ledger, a batch per commit and
 * backfill-concurrency at a time, until done or stopped; each gets its outcome. The last batch's
 * confirmation waits for the next commit (see confirmAll).
 */
async function fileAll<T extends Filed>(
  records: T[],
  itemOf: (r: T) => Item | undefined,
  settings: Settings,
  filer: Filer,
  stop: Stop
): Promise<Batch<T>[]> {
  const ready = records.filter(r => itemOf(r) && !r.outcome)
  const items = ready.map(r => itemOf(r) as Item)
  await filer.readEarlierRecords(items)
  const batches: Batch<T>[] = []
  for (let i = 0; i < ready.length && !stop.reason; i += LEDGER_BATCH) {
    const batch = ready.slice(i, i + LEDGER_BATCH)
    const outcomes = await filer.file(items.slice(i, i + LEDGER_BATCH), undefined, settings['backfill-concurrency'])
    batches.push({ records: batch, outcomes })
    batch.forEach((r, j) => (r.outcome = outcomes[j]))
  }
  return batches
}

/** Writes the confirmations still waiting; one that could not be written rewrites its outcomes. */
async function confirmAll(filer: Filer, batches: Batch<Filed>[]): Promise<void> {
  await filer.confirm()
  for (const { records: batch, outcomes } of batches) batch.forEach((r, j) => (r.outcome = outcomes[j]))
}

/** A deployment a backfill found (backfill-deployments), and what became of it. */
interface DeploymentEntry extends Filed {
  draft: DeploymentDraft
  payload?: DeploymentPayload
}

/** Gives each deployment its pull request (asked once per commit) and its payload, or the reason it cannot be sent. */
async function prepareDeployments(
  found: DeploymentEntry[],
  settings: Settings,
  now: Date,
  api: GitHubApi,
  stop: Stop,
  filer: Filer
): Promise<void> {
  await pool(found, settings['backfill-concurrency'], stop, entry =>
    inGroup(entry.draft.deploymentId, async () => {
      if ((entry.outcome = filer.filedBefore(DEPLOYMENT, entry.draft.deploymentId))) return
      if (!(await lookUp(entry, stop, async () => void (entry.draft = await withPullRequest(entry.draft, api))))) return
      entry.payload = build(entry, () => buildDeployment(settings, entry.draft, now))
    })
  )
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
function failedText(entries: Filed[], noun: 'incidents' | 'deployments'): string | undefined {
  const count = (status: Outcome['status']) => entries.filter(e => e.outcome && e.outcome.status === status && failsStep(e.outcome)).length
  const parts = [
    [count('failed'), 'could not be delivered (Hivel refused them or did not take them): a re-run sends them again'],
    [count('not sent'), 'were not sent: a re-run sends them'],
    [
      count('unsure'),
      `are unsure (Hivel may have them): look for their ${noun === 'incidents' ? 'provider ids' : 'deployment ids'} in Hivel and run again with resend: for those it lacks`
    ],
    [count('not recorded'), 'were filed but the ledger could not record them: no run sends them again']
  ].filter(([n]) => n) as [number, string][]
  return parts.length
    ? `Of ${entries.length} ${noun}, ${parts.map(([n, what]) => `${n} ${what}`).join('; ')} (see the job summary).`
    : undefined
}

/** Counts by status, "500 found, 480 filed, 20 already filed", for the log and the summary. */
export function tallyText(entries: Filed[], separator = ', '): string {
  return Object.entries(counts(entries))
    .map(([status, n]) => `${n} ${status}`)
    .join(separator)
}

/** "412 requests, 2.1 per incident filed: 180 pull request of a commit, 3 workflow runs, …": the GitHub API's, most first. */
export function requestsText(api: Pick<GitHubApi, 'requests' | 'requestsByKind'>, filed: number): string {
  const kinds = Object.entries(api.requestsByKind).sort(([, a], [, b]) => b - a)
  const each = filed ? `, ${(api.requests / filed).toFixed(1)} per incident filed` : ''
  return `${api.requests} requests${each}${kinds.length ? `: ${kinds.map(([kind, n]) => `${n} ${kind}`).join(', ')}` : ''}`
}

/** How many of a backfill's records ended in each status, "found" first: one repository's line of a roll-up. */
function counts(records: Filed[]): Record<string, number> {
  const by: Record<string, number> = { found: records.length }
  for (const r of records) if (r.outcome) by[r.outcome.status] = (by[r.outcome.status] ?? 0) + 1
  return by
}

/**
 * The repository, read first: one that cannot be read fails here in one line, and an archived one
 * (read-only, so no ledger can be written) is not synced; why it is skipped, if it is.
 */
async function readRepository(api: GitHubApi, env: RunEnv, filing: Filing): Promise<string | undefined> {
  let archived: boolean | undefined
  try {
    archived = (await api.repository()).archived
  } catch (error) {
    if (!(error instanceof GitHubApiError) || (error.status !== 404 && error.status !== 403) || error instanceof RateLimitError) throw error
    const answer = error.status === 404 ? 'not found, which is also what GitHub answers a token that cannot see it' : 'refused'
    throw new ContextError(
      `Cannot read ${env.repository}: GitHub answered ${error.status} (${answer}). github-token must reach ${env.repository}: the workflow's own token reads only the repository it runs in; an app's installation token reads the repositories the app is installed on and its token was made for.`
    )
  }
  if (archived && filing.record && !filing.dryRun) {
    const why = `${env.repository} is archived: it is read-only, so no ledger can be kept in it, and nothing is sent from it.`
    core.notice(why, { title: 'Archived repository' })
    return why
  }
  return undefined
}

/** Runs a backfill of the window the settings give. */
export async function backfill(settings: Settings, env: RunEnv, now: Date, api: GitHubApi, filing: Filing): Promise<void> {
  checkBackfillInputs(settings)
  const found: Found = { entries: [], deployments: [] }
  const { entries } = found
  let ended: { stopped?: string; skipped?: string } = {}
  let error: string | undefined
  try {
    ended = await backfillWindow(settings, env, now, api, filing, found)
  } catch (thrown) {
    error = clean(thrown instanceof Error ? thrown.message : String(thrown), [])
    throw thrown
  } finally {
    // One line of a roll-up of many repositories, also when this one failed.
    const totals = {
      repository: env.repository,
      incidents: counts(entries),
      deployments: counts(found.deployments),
      requests: api.requests
    }
    guard('set the outputs', () => core.setOutput('totals', JSON.stringify({ ...totals, ...ended, error })))
  }
  const failed = [failedText(found.deployments, 'deployments'), failedText(entries, 'incidents')].filter(Boolean)
  if (ended.stopped || failed.length) throw new ContextError([ended.stopped, ...failed].filter(Boolean).join(' '))
}

/** What a backfill found in its window, filled in as it goes: its totals are written even when it fails. */
interface Found {
  entries: Entry[]
  deployments: DeploymentEntry[]
}

/** Finds, files and reports what the window holds; what stopped it, or why the repository was skipped, if anything. */
async function backfillWindow(
  settings: Settings,
  env: RunEnv,
  now: Date,
  api: GitHubApi,
  filing: Filing,
  found: Found
): Promise<{ stopped?: string; skipped?: string }> {
  const since = settings['backfill-since'] as Date
  const until = settings['backfill-until'] ?? now
  core.info(
    `Backfill of ${env.repository}, ${since.toISOString()} to ${until.toISOString()}${filing.dryRun ? ' (dry run: nothing is sent or recorded)' : ''}.`
  )
  const skipped = await readRepository(api, env, filing)
  if (skipped) return { skipped }
  const { entries } = found
  const deploys: DeploymentDraft[] = []
  const progress = setInterval(() => core.info(`Progress: ${tallyText(entries)}; ${api.requests} GitHub API requests so far.`), PROGRESS_MS)
  let stopped: string | undefined
  let listed = false
  const scope: Scope = { settings, since, until, env, api }
  try {
    const listing = [
      ...(settings['backfill-issues'] ? await fromIssues(scope) : []),
      ...(await fromWorkflows(scope, deploys)),
      ...(await fromEnvironments(scope, deploys)),
      ...(settings['backfill-reverts'] ? await fromReverts(scope) : [])
    ]
    for (const entry of listing)
      entry.draft = layOver(entry.draft, { repoUrl: { value: `${env.serverUrl}/${env.repository}`, source: 'run' } })
    listing.sort((a, b) => (a.draft.defaults.reportedTime?.value.getTime() ?? 0) - (b.draft.defaults.reportedTime?.value.getTime() ?? 0))
    entries.push(...unique(listing))
    listed = true
    // One deployment listed twice (pages that shift while read) is sent once.
    found.deployments = [...new Map(deploys.map(d => [d.deploymentId, d])).values()].map(draft => ({ draft }))
    const { deployments } = found
    core.info(
      `Found ${entries.length} incident${entries.length === 1 ? '' : 's'}${settings['backfill-deployments'] ? ` and ${deployments.length} deployment${deployments.length === 1 ? '' : 's'}` : ''} in the window.`
    )
    // Nothing found, nothing to record: an idle sync does not read the ledger.
    if (entries.length || deployments.length) {
      // The ledger is a backfill's record: a comment on each old thread would cost a request and notify its people.
      const filer = await Filer.open({ ...filing, quiet: true, comments: false }, api)
      // The deployments first: Hivel counts each failure against the deployments it already has.
      await prepareDeployments(deployments, settings, now, api, filing.stop, filer)
      const sent: Batch<Filed>[] = await fileAll(deployments, d => d.payload && { deployment: d.payload }, settings, filer, filing.stop)
      await prepare(entries, settings, now, api, filing.stop, filer)
      // The deployments' confirmation rides on the incidents' first commit: one commit fewer.
      sent.push(...(await fileAll(entries, e => e.built && { built: e.built, thread: e.draft.thread }, settings, filer, filing.stop)))
      await confirmAll(filer, sent)
    }
  } catch (error) {
    if (!(error instanceof RateLimitError)) throw error
    filing.stop.request(clean(error.message, []))
  } finally {
    clearInterval(progress)
  }
  if (filing.stop.reason) {
    const where = listed ? `after ${tallyText(entries)}` : "while reading the window's history, before sending anything"
    stopped = `${filing.stop.reason}. Stopped ${where}: run it again with the same inputs to resume; the ledger holds what was sent, so nothing is sent twice.`
  }
  const requests = requestsText(api, entries.filter(e => e.outcome?.status === 'filed' || e.outcome?.status === 'dry run').length)
  const deployed = settings['backfill-deployments'] ? `Deployments: ${tallyText(found.deployments)}.` : undefined
  core.info(`Backfill done: ${tallyText(entries)}.${deployed ? ` ${deployed}` : ''} GitHub API: ${requests}.`)
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
  await writeBackfillSummary(entries, { since, until, dryRun: filing.dryRun, stopped, requests, deployed })
  return { stopped }
}
