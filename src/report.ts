/** What a run leaves behind: the step's outputs and a job summary. Neither may fail a step that filed. */
import * as core from '@actions/core'
import { failsStep, type Outcome } from './filing.js'
import type { DeploymentPayload } from './deployment.js'
import { Built, Payload, recoveryMs } from './incident.js'
import type { Span } from './figures.js'
import { escapeCell } from './markdown.js'
import { clean } from './redact.js'
import type { Outage, Source } from './situations/draft.js'
import { formatDuration, formatUtc, utcRange } from './time.js'
import { timelineMarkdown } from './timeline.js'

/**
 * Sets incident_id (always a string, empty when nothing was filed), payload, and the time to
 * recovery as duration-seconds and duration (in words). A failure to write them is a warning.
 */
export function setOutputs(incidentId: string, payload?: Payload): void {
  guard('set the outputs', () => {
    core.setOutput('incident_id', incidentId)
    core.setOutput('payload', payload ? JSON.stringify(payload) : '')
    core.setOutput('duration-seconds', payload ? String(Math.round(recoveryMs(payload) / 1000)) : '')
    core.setOutput('duration', payload ? formatDuration(recoveryMs(payload)) : '')
  })
}

/** Runs a write whose failure must not hide what was filed: it becomes a warning. */
export function guard(what: string, write: () => void): void {
  try {
    write()
  } catch (error) {
    core.warning(`Could not ${what}: ${clean((error as Error).message, [])}`, { title: `Could not ${what}` })
  }
}

// Outside a runner (a local run) there is no summary file to write.
const hasSummary = () => !!process.env.GITHUB_STEP_SUMMARY

/** Summaries written so far: a run that fails before writing one gets one that says why. */
let summaries = 0
export const summariesWritten = (): number => summaries

/** Writes the job summary; a summary that cannot be written is a warning, never a failed step. */
export async function writeMarkdown(markdown: string): Promise<void> {
  if (!hasSummary()) return
  summaries++
  try {
    await core.summary.addRaw(markdown, true).write()
  } catch (error) {
    core.summary.emptyBuffer()
    core.warning(`Could not write the job summary: ${clean((error as Error).message, [])}`, { title: 'Job summary not written' })
  }
}

/** The job summary of a skipped event: why nothing was filed. */
export async function writeSkipped(reason: string): Promise<void> {
  await writeMarkdown(`### Hivel incident not filed\n\n${escapeCell(reason)}`)
}

/** The input a problem names ("Input 'severity' …"). */
const inputOf = (problem: string) => /^Input '([^']+)'/.exec(problem)?.[1]

/**
 * Bad input: each problem as an error titled with its input, and the job summary listing them all.
 * Returns the sentence the step fails with, which names the inputs ("2 inputs are invalid (severity, pr-number); …").
 */
export async function reportProblems(problems: string[]): Promise<string> {
  for (const problem of problems) core.error(problem, { title: `Invalid input ${inputOf(problem) ?? ''}`.trim() })
  const names = [...new Set(problems.map(inputOf).filter(Boolean))]
  const title = `${problems.length === 1 ? 'An input is' : `${problems.length} inputs are`} invalid${names.length ? ` (${names.join(', ')})` : ''}; nothing was sent to Hivel`
  await writeMarkdown([`### ${escapeCell(title)}`, '', ...problems.map(p => `- ${escapeCell(p)}`)].join('\n'))
  return title
}

/** The job summary of a run that failed before it could report anything else: why, as the log says it. */
export async function writeFailure(message: string, failOnError: boolean): Promise<void> {
  const title = failOnError ? 'The Hivel step failed' : 'The Hivel step did not finish (fail-on-error is false, so it succeeds)'
  await writeMarkdown([`### ${title}`, '', `> [!CAUTION]\n> ${escapeCell(message)}`].join('\n'))
}

const idOf = (o: Outcome) => escapeCell('incidentId' in o ? o.incidentId : '')

const TITLES: Record<Outcome['status'], (o: Outcome) => string> = {
  'dry run': () => 'Hivel incident (dry run: nothing sent)',
  filed: o => `Hivel incident ${idOf(o)} filed`,
  'already filed': o => `Hivel incident ${idOf(o)} already filed: nothing sent`,
  'in progress': () => 'Hivel incident being sent by another run: nothing sent',
  unsure: () => 'Hivel incident unsure: not sent again',
  'not recorded': o => `Hivel incident ${idOf(o)} filed but not recorded`,
  'not sent': () => 'Hivel incident not sent',
  failed: () => 'Hivel incident not filed'
}

/** What became of the incident, as the opening sentence ends. */
const FATES: Record<Outcome['status'], (o: Outcome) => string> = {
  'dry run': () => 'would be filed (dry run)',
  filed: o => `filed as **${idOf(o)}**`,
  'already filed': o => `already filed as **${idOf(o)}**`,
  'in progress': () => 'being sent by another run',
  unsure: () => 'perhaps filed (see why below)',
  'not recorded': o => `filed as **${idOf(o)}** but not recorded (see why below)`,
  'not sent': () => 'not sent (see why below)',
  failed: () => 'not filed (see why below)'
}

/** The pull request blamed, linked when the repository is a web address. */
const pullRequest = (payload: Payload) =>
  payload.repo_url.startsWith('http') ? `[#${payload.pr_number}](${payload.repo_url}/pull/${payload.pr_number})` : `#${payload.pr_number}`

/**
 * The summary's first line, what Hivel will count: "**Deploy on main** was down for 3 h 12 min,
 * 2026-11-26 10:00 → 13:12 UTC (3 failures); filed as **inc-42**, blaming #203."
 */
export function openingSentence(payload: Payload, outcome: Outcome, outage?: Outage): string {
  const took = `${formatDuration(recoveryMs(payload))}, ${utcRange(payload.reported_time, payload.resolution_time)}`
  const what = outage
    ? `**${escapeCell(outage.what)}** was down for ${took} (${outage.failures.length} failure${outage.failures.length === 1 ? '' : 's'})`
    : `A ${escapeCell(payload.severity)}-severity incident of ${took}`
  return `${what}; ${FATES[outcome.status](outcome)}, blaming ${pullRequest(payload)}.`
}

/** A chart of an outage of several runs or deployments: each failure until the next run, the last until recovery. */
export function outageTimeline(outage: Outage): string {
  if (outage.failures.length < 2) return ''
  const next = [...outage.failures.slice(1), outage.recovery]
  const spans: Span[] = outage.failures.map((f, i) => ({
    source: outage.what,
    label: `${f.label} ${f.state}`,
    start: f.at,
    end: next[i].at
  }))
  return timelineMarkdown(spans, `${outage.what}: down until ${outage.recovery.label}`)
}

/** The outage's runs or deployments, each with its time and link, then the recovery. */
function outageLines(outage: Outage): string[] {
  return [
    '',
    `#### The outage of ${escapeCell(outage.what)}`,
    '',
    '| When | What | State |',
    '| --- | --- | --- |',
    ...outage.failures.map(f => `| ${formatUtc(f.at)} | [${escapeCell(f.label)}](${f.url}) | ${escapeCell(f.state)} |`),
    `| ${formatUtc(outage.recovery.at)} | [${escapeCell(outage.recovery.label)}](${outage.recovery.url}) | recovered |`,
    ...(outage.cutShort ? ['', `> [!WARNING]\n> ${escapeCell(outage.cutShort)}: the outage may have begun earlier.`] : [])
  ]
}

/**
 * What a record filed before is shown as: what was sent then, when the ledger holds it (whose
 * fields' sources this run cannot know), else what this run finds; and a line saying which.
 */
function asFiled<T>(outcome: Outcome, now: T, sources: Built['sources']): { shown: T; sources: Built['sources']; line: string[] } {
  if (outcome.status !== 'already filed') return { shown: now, sources, line: [] }
  const { at, by, payload } = outcome.before
  if (!payload)
    return {
      shown: now,
      sources,
      line: [
        `Filed before, as ${by} records. What was sent then is not known: an earlier version of the action recorded it without that, so what is shown is what this run finds now, which may not be what Hivel has.`,
        ''
      ]
    }
  return {
    shown: payload as T,
    sources: {},
    line: [`Filed before, at ${formatUtc(at)} by ${by}: shown as it was sent then.`, '']
  }
}

/** What each word of the "From" column means. */
const FROM_WORDS: Record<Source, string> = {
  input: "the step's input",
  event: 'the event that started the run',
  'GitHub API': 'looked up in the GitHub API',
  run: 'this workflow run (its repository, actor or id)',
  default: 'when the step ran'
}

/** The line under the table that explains the "From" words it uses, in the order above. */
function fromLine(used: (Source | undefined)[]): string[] {
  const words = (Object.keys(FROM_WORDS) as Source[]).filter(word => used.includes(word))
  return words.length ? ['', `From: ${words.map(word => `*${word}*: ${FROM_WORDS[word]}`).join('; ')}.`] : []
}

/** The job summary: the opening sentence, a chart of a long outage, the incident as a table, with where each field came from, and the outage it spans. */
export async function writeSummary(built: Built, outcome: Outcome, outage?: Outage): Promise<void> {
  const { shown: payload, sources, line: filedBefore } = asFiled(outcome, built.payload, built.sources)
  const source = (field: keyof Payload) => sources[field] ?? ''
  const row = (label: string, field: keyof Payload | undefined, value: string | undefined) =>
    value ? `| ${label} | ${value} | ${field ? source(field) : ''} |` : undefined
  const id = 'incidentId' in outcome ? outcome.incidentId : undefined
  const chart = outage ? outageTimeline(outage) : ''
  const lines = [
    `### ${TITLES[outcome.status](outcome)}`,
    '',
    openingSentence(payload, outcome, outage),
    '',
    ...filedBefore,
    ...(chart ? [chart, ''] : []),
    '| Field | Value | From |',
    '| --- | --- | --- |',
    row('Severity', 'severity', escapeCell(payload.severity)),
    row('Description', 'description', payload.description && escapeCell(payload.description)),
    row('Affected systems', 'affected_systems', payload.affected_systems?.map(escapeCell).join(', ')),
    row('Reported', 'reported_time', formatUtc(payload.reported_time)),
    row('Resolved', 'resolution_time', formatUtc(payload.resolution_time)),
    row('Time to recovery', undefined, formatDuration(recoveryMs(payload))),
    row('Reported by', 'reported_by', payload.reported_by && escapeCell(payload.reported_by)),
    row('Provider id', 'provider_id', payload.provider_id && escapeCell(payload.provider_id)),
    row('Repository', 'repo_url', escapeCell(payload.repo_url)),
    row('Pull request', 'pr_number', pullRequest(payload)),
    row('Incident id', undefined, id && escapeCell(id)),
    row('Record', undefined, 'recordUrl' in outcome && outcome.recordUrl ? `[comment](${outcome.recordUrl})` : undefined),
    ...fromLine(Object.values(sources)),
    ...(outage ? outageLines(outage) : []),
    'problem' in outcome
      ? `\n> [!${failsStep(outcome) || outcome.status === 'unsure' ? 'WARNING' : 'NOTE'}]\n> ${escapeCell(outcome.problem)}`
      : undefined
  ].filter((line): line is string => line !== undefined)
  await writeMarkdown(lines.join('\n'))
}

const DEPLOYMENT_TITLES: Partial<Record<Outcome['status'], string>> = {
  'dry run': 'Hivel deployment (dry run: nothing sent)',
  filed: 'Hivel deployment sent',
  'already filed': 'Hivel deployment already sent',
  'in progress': 'Hivel deployment being sent by another run'
}

/** The job summary of a deployment: one sentence and the fields sent. */
export async function writeDeploymentSummary(built: DeploymentPayload, outcome: Outcome): Promise<void> {
  const { shown: payload, line: filedBefore } = asFiled(outcome, built, {})
  const took = formatDuration(Date.parse(payload.end_time) - Date.parse(payload.start_time))
  const commit = payload.commit_hash ? ` at ${payload.commit_hash.slice(0, 7)}` : ''
  const lines = [
    `### ${DEPLOYMENT_TITLES[outcome.status] ?? `Hivel deployment ${outcome.status}`}`,
    '',
    `A **${escapeCell(payload.status)}** deployment of ${escapeCell(payload.branch)}${commit} to **${escapeCell(payload.environment)}**, ${utcRange(payload.start_time, payload.end_time)} (${took}), as \`${escapeCell(payload.deployment_id)}\`.`,
    '',
    ...filedBefore,
    '| Field | Value |',
    '| --- | --- |',
    ...Object.entries(payload).map(([field, value]) => `| ${field} | ${escapeCell(String(value))} |`),
    ...('problem' in outcome
      ? ['', `> [!${failsStep(outcome) || outcome.status === 'unsure' ? 'WARNING' : 'NOTE'}]\n> ${escapeCell(outcome.problem)}`]
      : []),
    // The incident's summary may follow.
    ''
  ]
  await writeMarkdown(lines.join('\n'))
}
