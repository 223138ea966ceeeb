/** Builds the incident Hivel receives from the inputs and the context's defaults, and checks it. */
import * as log from './log.js'
import type { Defaults, Source, Sourced } from './situations/draft.js'
import { clean } from './redact.js'
import { FIELD_LIMIT, Incident, INPUT_OF_FIELD, parseAll, payloadSchema, SEVERITIES, Settings } from './schema.js'
import { toIsoUtc } from './time.js'

/** The JSON body sent to Hivel: times as ISO 8601 UTC strings. */
export type Payload = Omit<Incident, 'reported_time' | 'resolution_time'> & { reported_time: string; resolution_time: string }

/** Time to recovery in milliseconds: what Hivel computes from the two times. */
export const recoveryMs = (payload: Payload): number => Date.parse(payload.resolution_time) - Date.parse(payload.reported_time)

/** The incident, and where each field came from. */
export interface Built {
  payload: Payload
  sources: Partial<Record<keyof Payload, Source>>
}

/**
 * Merges inputs over defaults and validates the result against Hivel's rules. Warns when the
 * description is cut, and notes a severity outside Hivel's usual four.
 */
export function buildIncident(settings: Settings, defaults: Defaults, now: Date): Built {
  const sources: Built['sources'] = {}
  const pick = <T>(field: keyof Payload, input: T | undefined, fallback: Sourced<T> | undefined): T | undefined => {
    const chosen: Sourced<T> | undefined = input !== undefined ? { value: input, source: 'input' } : fallback
    if (chosen) sources[field] = chosen.source
    return chosen?.value
  }
  const draft = {
    description: pick('description', settings.description, defaults.description),
    severity: pick('severity', settings.severity, defaults.severity),
    affected_systems: pick('affected_systems', settings['affected-systems'], defaults.affectedSystems),
    reported_time: pick('reported_time', settings['reported-time'], defaults.reportedTime),
    reported_by: pick('reported_by', settings['reported-by'], defaults.reportedBy),
    resolution_time: pick('resolution_time', settings['resolution-time'], defaults.resolutionTime),
    provider_id: pick('provider_id', settings['provider-id'], defaults.providerId),
    repo_url: pick('repo_url', settings['repo-url'] ?? settings['pr-number']?.repoUrl, defaults.repoUrl),
    pr_number: pick('pr_number', settings['pr-number']?.number, defaults.prNumber)
  }
  const incident = parseAll(payloadSchema(now), draft, key => INPUT_OF_FIELD[key as keyof Incident] ?? key)
  if (draft.description && draft.description.length > FIELD_LIMIT) {
    log.warning(
      `description is ${draft.description.length} characters long; Hivel accepts ${FIELD_LIMIT}, so it was cut to fit.`,
      'Description cut to fit'
    )
  }
  if (!(SEVERITIES as readonly string[]).includes(incident.severity)) {
    log.notice(
      clean(`severity "${incident.severity}" is not one of ${SEVERITIES.join(', ')}; it is sent as given.`, []),
      'Severity sent as given'
    )
  }
  const payload = {
    ...incident,
    reported_time: toIsoUtc(incident.reported_time),
    resolution_time: toIsoUtc(incident.resolution_time)
  }
  // Optional fields that are empty are left out rather than sent blank.
  for (const key of Object.keys(payload) as (keyof Payload)[]) {
    const value = payload[key]
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) delete payload[key]
  }
  return { payload, sources }
}
