/**
 * An incident tracked as an issue: from the issue's creation to its closing. Filed when an issue
 * with the incident label is closed (not as "not planned"), live or in a backfill.
 */
import type { Issue } from '../github-api.js'
import { pullRequestFromBody, severityFromBody, severityFromLabels, systemsFromBody, systemsFromLabels } from '../issue-text.js'
import { severityProblem } from '../schema.js'
import { Draft, fromEvent, Skip } from './draft.js'
import type { Where } from './workflow-run.js'

/** Label names, whether GitHub sent objects or strings. */
export const labelNames = (labels: ({ name: string } | string)[] = []): string[] =>
  labels.map(l => (typeof l === 'string' ? l : l.name).trim())

/** What a closed (or otherwise changed) issue is: an incident to file, or nothing. */
export function issueSituation(action: string | undefined, issue: Issue, label: string, where: Where): Draft | Skip {
  const labels = labelNames(issue.labels)
  if (!labels.some(l => l.toLowerCase() === label.toLowerCase())) {
    return { skip: `Issue ${issue.html_url} has no '${label}' label: not an incident.` }
  }
  if (action !== 'closed' || !issue.closed_at) {
    return { skip: `Issue ${issue.html_url} was ${action ?? 'changed'}, not closed: an incident is filed when its issue is closed.` }
  }
  if (issue.state_reason === 'not_planned') {
    return { skip: `Issue ${issue.html_url} was closed as not planned (a duplicate or false alarm): nothing to file.` }
  }
  const body = issue.body ?? ''
  const severity = severityFromLabels(labels) ?? severityFromBody(body)
  const systems = [...new Set([...systemsFromLabels(labels), ...systemsFromBody(body)])]
  const pr = pullRequestFromBody(body, where.serverUrl)
  const ownRepo = `${where.serverUrl}/${where.repository}`.toLowerCase()
  const problems: Draft['problems'] = []
  const misspelt = severity && severityProblem(severity)
  if (misspelt) {
    problems.push({
      field: 'severity',
      message: `Issue ${issue.html_url}: ${misspelt} Fix the label or the Severity line, or set severity.`
    })
  }
  if (!severity) {
    problems.push({
      field: 'severity',
      message: `Issue ${issue.html_url} has no severity: add a label such as severity:high, sev1 or P2 (or a "Severity: high" line to its body), or set severity.`
    })
  }
  if (!pr) {
    problems.push({
      field: 'pr-number',
      message: `Issue ${issue.html_url} names no pull request: add a line such as "Caused by #203", "PR: #203" or the pull request's URL to its body, or set pr-number.`
    })
  }
  return {
    defaults: {
      reportedTime: fromEvent(new Date(issue.created_at)),
      resolutionTime: fromEvent(new Date(issue.closed_at)),
      description: fromEvent(issue.title),
      reportedBy: fromEvent(issue.user?.login),
      providerId: fromEvent(issue.html_url),
      severity: fromEvent(severity),
      affectedSystems: systems.length ? fromEvent(systems) : undefined,
      prNumber: fromEvent(pr?.number),
      // A pull request of another repository (an incidents repository blaming a service) is Hivel's repo.
      repoUrl: pr?.repoUrl && pr.repoUrl.toLowerCase() !== ownRepo ? fromEvent(pr.repoUrl) : undefined
    },
    thread: { number: issue.number, kind: 'issue' },
    problems,
    then: 'Then reopen and close the issue (a re-run would read the issue as it was).'
  }
}
