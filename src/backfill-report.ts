/**
 * A backfill's job summary: what Hivel will compute from the incidents sent, their timeline, then
 * every incident found and what became of it.
 */
import type { Entry } from './backfill.js'
import { tallyText } from './backfill.js'
import { figures, figuresMarkdown, Span } from './figures.js'
import { escapeCell } from './markdown.js'
import { recoveryMs } from './incident.js'
import { writeMarkdown } from './report.js'
import { formatDuration, formatUtc, toIsoUtc } from './time.js'
import { timelineMarkdown } from './timeline.js'

/** One row of the table: status, times, duration, severity, PR, provider id, incident id or reason. */
function row(entry: Entry): string {
  const payload = entry.built?.payload
  const d = entry.draft.defaults
  const reported = payload?.reported_time ?? d.reportedTime?.value
  const resolved = payload?.resolution_time ?? d.resolutionTime?.value
  const duration = payload ? formatDuration(recoveryMs(payload)) : ''
  const outcome = entry.outcome
  const detail = !outcome
    ? 'not reached'
    : 'incidentId' in outcome
      ? escapeCell(outcome.incidentId)
      : 'problem' in outcome
        ? escapeCell(outcome.problem)
        : ''
  const pr = payload?.pr_number ?? d.prNumber?.value
  return `| ${outcome?.status ?? 'not reached'} | ${escapeCell(entry.source)} | ${reported ? formatUtc(reported) : ''} | ${resolved ? formatUtc(resolved) : ''} | ${duration} | ${escapeCell(payload?.severity ?? d.severity?.value ?? '')} | ${pr ? `#${pr}` : ''} | ${escapeCell(payload?.provider_id ?? d.providerId?.value ?? '')} | ${detail} |`
}

/**
 * The incidents this run sent (or, in a dry run, would send) as Hivel receives them: the figures
 * and the timeline come from these payloads and nothing else.
 */
export function sentSpans(entries: Entry[], dryRun: boolean): Span[] {
  const sent = dryRun ? 'dry run' : 'filed'
  return entries.flatMap(({ source, built, outcome }) =>
    built && outcome?.status === sent
      ? [
          {
            source,
            label: built.payload.description ?? built.payload.provider_id ?? '',
            start: new Date(built.payload.reported_time),
            end: new Date(built.payload.resolution_time),
            prNumber: built.payload.pr_number,
            repoUrl: built.payload.repo_url
          }
        ]
      : []
  )
}

/** Writes the summary of a backfill. */
export async function writeBackfillSummary(
  entries: Entry[],
  window: { since: Date; until: Date; dryRun: boolean; stopped?: string; requests: string; deployed?: string }
): Promise<void> {
  const totals = tallyText(entries, ' · ')
  const spans = sentSpans(entries, window.dryRun)
  const already = entries.filter(e => e.outcome?.status === 'already filed').length
  const chart = timelineMarkdown(
    spans,
    `${window.dryRun ? 'Incidents that would be filed' : 'Incidents filed'}, ${toIsoUtc(window.since).slice(0, 10)} to ${toIsoUtc(window.until).slice(0, 10)}`
  )
  const lines = [
    `### Hivel backfill${window.dryRun ? ' (dry run: nothing sent)' : ''}: ${formatUtc(window.since)} to ${formatUtc(window.until)}`,
    '',
    totals,
    ...(window.stopped ? ['', `> [!WARNING]\n> ${escapeCell(window.stopped)}`] : []),
    '',
    figuresMarkdown(figures(spans)),
    ...(already ? ['', `Not counted above: ${already} already filed by an earlier run, which Hivel has counted since.`] : []),
    ...(chart ? ['', chart] : []),
    '',
    ...(window.deployed ? [escapeCell(window.deployed), ''] : []),
    `GitHub API: ${escapeCell(window.requests)}.`,
    '',
    '#### Every incident found',
    '',
    '| Status | Source | Reported | Resolved | Duration | Severity | PR | Provider id | Incident id or reason |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...entries.map(row)
  ]
  await writeMarkdown(lines.join('\n'))
}
