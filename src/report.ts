/** What a run leaves behind: the step's outputs and a job summary. */
import * as core from '@actions/core'
import type { Built, Payload } from './incident.js'
import { formatDuration } from './time.js'

/** Sets incident_id (always a string, empty when nothing was filed) and payload. */
export function setOutputs(incidentId: string, payload?: Payload): void {
  core.setOutput('incident_id', incidentId)
  core.setOutput('payload', payload ? JSON.stringify(payload) : '')
}

const escapeCell = (text: string) => text.replace(/[|\\`*_<>[\]]/g, c => `\\${c}`).replace(/\r?\n/g, ' ')

// Outside a runner (a local run) there is no summary file to write.
const hasSummary = () => !!process.env.GITHUB_STEP_SUMMARY

/** The job summary of a skipped event: why nothing was filed. */
export async function writeSkipped(reason: string): Promise<void> {
  if (hasSummary()) await core.summary.addRaw(`### Hivel incident not filed\n\n${escapeCell(reason)}`, true).write()
}

/** The job summary: the incident as a table, with where each field came from. */
export async function writeSummary(built: Built, outcome: { incidentId?: string; dryRun: boolean; problem?: string }): Promise<void> {
  if (!hasSummary()) return
  const { payload, sources } = built
  const recovery = formatDuration(Date.parse(payload.resolution_time) - Date.parse(payload.reported_time))
  const pr = payload.repo_url.startsWith('http')
    ? `[#${payload.pr_number}](${payload.repo_url}/pull/${payload.pr_number})`
    : `#${payload.pr_number}`
  const source = (field: keyof Payload) => sources[field] ?? ''
  const row = (label: string, field: keyof Payload | undefined, value: string | undefined) =>
    value ? `| ${label} | ${value} | ${field ? source(field) : ''} |` : undefined
  const title = outcome.dryRun
    ? 'Hivel incident (dry run: nothing sent)'
    : outcome.incidentId
      ? `Hivel incident ${escapeCell(outcome.incidentId)} filed`
      : 'Hivel incident not filed'
  const lines = [
    `### ${title}`,
    '',
    '| Field | Value | From |',
    '| --- | --- | --- |',
    row('Severity', 'severity', escapeCell(payload.severity)),
    row('Description', 'description', payload.description && escapeCell(payload.description)),
    row('Affected systems', 'affected_systems', payload.affected_systems?.map(escapeCell).join(', ')),
    row('Reported', 'reported_time', payload.reported_time),
    row('Resolved', 'resolution_time', payload.resolution_time),
    row('Time to recovery', undefined, recovery),
    row('Reported by', 'reported_by', payload.reported_by && escapeCell(payload.reported_by)),
    row('Provider id', 'provider_id', payload.provider_id && escapeCell(payload.provider_id)),
    row('Repository', 'repo_url', escapeCell(payload.repo_url)),
    row('Pull request', 'pr_number', pr),
    row('Incident id', undefined, outcome.incidentId && escapeCell(outcome.incidentId)),
    outcome.problem ? `\n> [!WARNING]\n> ${escapeCell(outcome.problem)}` : undefined
  ].filter((line): line is string => line !== undefined)
  await core.summary.addRaw(lines.join('\n'), true).write()
}
