/** A backfill's job summary: every incident found, what became of it, and the totals. */
import type { Entry } from './backfill.js'
import { tally } from './backfill.js'
import { escapeCell, recoveryMs, writeMarkdown } from './report.js'
import { formatDuration, toIsoUtc } from './time.js'

/** One row of the table: status, times, duration, severity, PR, provider id, incident id or reason. */
function row(entry: Entry): string {
  const payload = entry.built?.payload
  const d = entry.draft.defaults
  const reported = payload?.reported_time ?? (d.reportedTime ? toIsoUtc(d.reportedTime.value) : '')
  const resolved = payload?.resolution_time ?? (d.resolutionTime ? toIsoUtc(d.resolutionTime.value) : '')
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
  return `| ${outcome?.status ?? 'not reached'} | ${escapeCell(entry.source)} | ${reported} | ${resolved} | ${duration} | ${escapeCell(payload?.severity ?? d.severity?.value ?? '')} | ${pr ? `#${pr}` : ''} | ${escapeCell(payload?.provider_id ?? d.providerId?.value ?? '')} | ${detail} |`
}

/** Writes the summary of a backfill. */
export async function writeBackfillSummary(
  entries: Entry[],
  window: { since: Date; until: Date; dryRun: boolean; stopped?: string }
): Promise<void> {
  const totals = Object.entries(tally(entries))
    .map(([status, n]) => `${n} ${status}`)
    .join(' · ')
  const lines = [
    `### Hivel backfill${window.dryRun ? ' (dry run: nothing sent)' : ''}: ${toIsoUtc(window.since)} to ${toIsoUtc(window.until)}`,
    '',
    totals,
    ...(window.stopped ? ['', `> [!WARNING]\n> ${escapeCell(window.stopped)}`] : []),
    '',
    '| Status | Source | Reported | Resolved | Duration | Severity | PR | Provider id | Incident id or reason |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...entries.map(row)
  ]
  await writeMarkdown(lines.join('\n'))
}
