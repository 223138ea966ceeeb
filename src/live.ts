/** One event, one incident: the draft of this run's situation, checked, filed once, and reported. */
import * as core from '@actions/core'
import { RunEnv, resolveDraft } from './context.js'
import { failsStep, Filer, Filing } from './filing.js'
import type { GitHubApi } from './github-api.js'
import { buildIncident } from './incident.js'
import { clean } from './redact.js'
import { setOutputs, writeSkipped, writeSummary } from './report.js'
import type { Settings } from './schema.js'
import { ContextError, Draft, isSkip } from './situations/draft.js'

/** The problems a draft still has once the inputs are laid over it, as one message; undefined when none. */
export function remainingProblems(draft: Draft, settings: Settings): string | undefined {
  const left = (draft.problems ?? []).filter(p => settings[p.field] === undefined)
  return left.length ? [...left.map(p => p.message), ...(draft.then ? [draft.then] : [])].join(' ') : undefined
}

/** Files the incident this run's event is, unless it is none or was filed before. */
export async function fileLive(settings: Settings, env: RunEnv, now: Date, api: GitHubApi, filing: Filing): Promise<void> {
  let opened: Promise<Filer> | undefined
  // The ledger is read while the situation's look-ups are made (neither waits for the other), once the draft can be filed.
  const draft = await resolveDraft(settings, env, now, api, async found => {
    if (!remainingProblems(found, settings)) await (opened = Filer.open(filing, api))
  })
  if (isSkip(draft)) {
    core.notice(clean(draft.skip, []))
    setOutputs('')
    await writeSkipped(draft.skip)
    return
  }
  const problems = remainingProblems(draft, settings)
  if (problems) throw new ContextError(problems)
  if (draft.outage?.cutShort)
    core.warning(`${draft.outage.cutShort}: the incident is filed from the earliest failure seen, so the outage may have begun earlier.`)
  const built = buildIncident(settings, draft.defaults, now)
  // Opened beside the look-ups: the draft is an incident without problems.
  const filer = await (opened as Promise<Filer>)
  const outcomes = await filer.file([{ built, thread: draft.thread }], (_, id) => setOutputs(id, built.payload))
  await filer.confirm()
  const [outcome] = outcomes
  if (outcome.status === 'already filed') {
    core.notice(
      `Already filed with Hivel as incident ${clean(outcome.incidentId, [])}${outcome.recordUrl ? ` (${outcome.recordUrl})` : ''}: nothing is sent again.`
    )
  } else if (outcome.status === 'in progress') core.notice(clean(outcome.problem, [], 2000))
  else if (outcome.status === 'unsure' && outcome.before) core.warning(clean(outcome.problem, [], 2000))
  if (!('incidentId' in outcome) && outcome.status !== 'dry run') setOutputs('', built.payload)
  await writeSummary(built, outcome, draft.outage)
  if (failsStep(outcome) && 'problem' in outcome) throw new ContextError(outcome.problem)
}
