/**
 * What a situation gives: an incident draft (defaults for the fields the inputs leave empty, and
 * where each came from) or a skip with its reason. The same draft serves a live event and a backfill.
 */

import { linkAfter } from '../text.js'
import { formatDuration } from '../time.js'

/** Where a field's value came from, shown in the job summary. */
export type Source = 'input' | 'event' | 'GitHub API' | 'run' | 'default'

/** A value and where it came from. */
export interface Sourced<T> {
  value: T
  source: Source
}

/** The incident fields a situation can supply. */
export interface Defaults {
  severity?: Sourced<string>
  description?: Sourced<string>
  affectedSystems?: Sourced<string[]>
  reportedTime?: Sourced<Date>
  resolutionTime?: Sourced<Date>
  reportedBy?: Sourced<string>
  providerId?: Sourced<string>
  repoUrl?: Sourced<string>
  prNumber?: Sourced<string>
}

/** One failed or recovering run or deployment of an outage, for the summary and the record. */
export interface Outcome {
  /** "run 4712", "deployment 88" */
  label: string
  at: Date
  url: string
  /** failure, timed_out, error, success… */
  state: string
}

/** An outage read from history: the failures in time order and what recovered it. */
export interface Outage {
  /** What was down, for people: "Deploy on main", "production". */
  what: string
  failures: Outcome[]
  recovery: Outcome
  /** Set when no success was found within the look-back: the outage may have begun earlier. */
  cutShort?: string
}

/** An issue or pull request of this repository, whose kind decides the permission its comments need. */
export interface Thread {
  number: number
  kind: 'issue' | 'pull request'
}

/** An incident a situation found, before the inputs are laid over it. */
export interface Draft {
  defaults: Defaults
  /** The commit whose pull request is asked for when no pull request is known. */
  prSha?: string
  /** The issue or pull request of this repository whose thread holds the record, when the situation fixes it. */
  thread?: Thread
  outage?: Outage
  /** Why it cannot be filed as it stands, and what to change; checked after the inputs are laid over. */
  problems?: { field: 'severity' | 'pr-number'; message: string }[]
  /** What to do after fixing a problem, when the event cannot simply be re-run. */
  then?: string
}

/** The event or history says there is no incident to file; the reason is shown as a notice. */
export interface Skip {
  skip: string
}

export const isSkip = <T extends object>(found: T | Skip): found is Skip => 'skip' in found

/** An incident that cannot be filed as it stands; the message says what to change. */
export class ContextError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ContextError'
  }
}

/** A value from the event, or nothing when the event has none. */
export const fromEvent = <T>(value: T | undefined | null): Sourced<T> | undefined =>
  value === undefined || value === null || value === '' ? undefined : { value, source: 'event' }

/** A value read from the GitHub API. */
export const fromApi = <T>(value: T): Sourced<T> => ({ value, source: 'GitHub API' })

/** "1 failed run", "4 failed runs". */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

/**
 * What an outage read from history gives every situation alike: its span, its provider id and a
 * description such as "Deploy failed on main for 3 h 12 min (4 failed runs) until <recovery link>".
 */
export function outageDefaults(outage: Outage, failed: string, noun: string, providerId: string, reportedBy?: string): Defaults {
  const began = outage.failures[0].at
  const ended = outage.recovery.at
  const text = `${failed} for ${formatDuration(ended.getTime() - began.getTime())} (${count(outage.failures.length, noun)}) until`
  return {
    reportedTime: fromApi(began),
    resolutionTime: fromEvent(ended),
    providerId: fromEvent(providerId),
    description: fromEvent(linkAfter(text, outage.recovery.url)),
    reportedBy: fromEvent(reportedBy)
  }
}
