/**
 * The record of what was filed, kept on GitHub next to the incident: a comment on its issue or on
 * the pull request it blames, for people, with one hidden line the action reads back, so that a
 * re-run, a re-closed issue or a second recovery event of one outage files nothing new.
 */
import * as core from '@actions/core'
import { GitHubApi, GitHubApiError, RateLimitError } from './github-api.js'
import { Payload, recoveryMs } from './incident.js'
import { clean } from './redact.js'
import { formatDuration, utcRange } from './time.js'

const MARKER = /<!-- hivel-incident (\{.*?\}) -->/g

/** One recorded incident, as its marker says. */
export interface Recorded {
  providerId: string
  incidentId: string
  /** The comment's link. */
  url: string
}

/** The recorded incidents a comment body holds; malformed markers are ignored. */
export function markersIn(body: string, url: string): Recorded[] {
  return [...body.matchAll(MARKER)].flatMap(m => {
    try {
      const data = JSON.parse(m[1]) as { provider_id?: unknown; incident_id?: unknown }
      return typeof data.provider_id === 'string' && typeof data.incident_id === 'string' && data.provider_id && data.incident_id
        ? [{ providerId: data.provider_id, incidentId: data.incident_id, url }]
        : []
    } catch {
      return []
    }
  })
}

/** The comment for people, with the hidden line for the action. The marker's JSON cannot close the HTML comment. */
export function commentBody(payload: Payload, incidentId: string, runUrl: string): string {
  const duration = formatDuration(recoveryMs(payload))
  const marker = JSON.stringify({ provider_id: payload.provider_id ?? '', incident_id: incidentId }).replace(/--/g, '-\\u002d')
  const what = payload.description ? `, ${payload.description.replace(/\s+/g, ' ')}` : ''
  return [
    `Filed with Hivel as incident **${incidentId}**: ${payload.severity}, ${utcRange(payload.reported_time, payload.resolution_time)} (${duration})${what} · filed by ${runUrl}`,
    '',
    `<!-- hivel-incident ${marker} -->`
  ].join('\n')
}

/** Where the record of an incident lives: its thread in this repository, or why there is none. */
export type Thread = { number: number } | { none: string }

/** The thread of a payload: the situation's own (an issue), else the blamed pull request when it is in this repository. */
export function threadOf(payload: Payload, situationThread: number | undefined, ownRepoUrl: string): Thread {
  if (situationThread) return { number: situationThread }
  if (payload.repo_url.toLowerCase() === ownRepoUrl.toLowerCase()) return { number: Number(payload.pr_number) }
  return { none: `the pull request it blames is in ${payload.repo_url}, not this repository` }
}

/**
 * Reads and writes records, one thread's comments read once however many incidents ask. A thread
 * the token may not read or write is reported once, and the incident is filed regardless.
 */
export class Ledger {
  private readonly threads = new Map<number, Promise<Recorded[] | undefined>>()
  private warned = false

  constructor(private readonly api: Pick<GitHubApi, 'comments' | 'comment'>) {}

  /** Notes a thread with no comments at all (a list says so), so its record is not asked for. */
  knownEmpty(thread: number): void {
    if (!this.threads.has(thread)) this.threads.set(thread, Promise.resolve([]))
  }

  /** The record of providerId on a thread, when there is one. */
  async find(thread: number, providerId: string): Promise<Recorded | undefined> {
    let recorded = this.threads.get(thread)
    if (!recorded) {
      recorded = this.read(thread)
      this.threads.set(thread, recorded)
    }
    return (await recorded)?.find(r => r.providerId === providerId)
  }

  private async read(thread: number): Promise<Recorded[] | undefined> {
    const found: Recorded[] = []
    try {
      for await (const comment of this.api.comments(thread)) found.push(...markersIn(comment.body ?? '', comment.html_url))
      return found
    } catch (error) {
      if (error instanceof RateLimitError) throw error
      this.cannot('read', error as Error)
      return undefined
    }
  }

  /** Leaves the record; its link, or undefined when it could not be written (a warning says why). */
  async write(thread: number, payload: Payload, incidentId: string, runUrl: string): Promise<string | undefined> {
    try {
      const url = await this.api.comment(thread, commentBody(payload, incidentId, runUrl))
      ;(await this.threads.get(thread))?.push({ providerId: payload.provider_id ?? '', incidentId, url })
      return url
    } catch (error) {
      this.cannot('write', error as Error)
      return undefined
    }
  }

  private cannot(what: 'read' | 'write', error: Error): void {
    const message = clean(error.message, [])
    if (this.warned) return core.info(message)
    this.warned = true
    const permission =
      error instanceof GitHubApiError && error.status === 403
        ? " Grant `issues: write` and `pull-requests: write` in the job's `permissions:` (or set record: false)."
        : ''
    core.warning(
      `Could not ${what} the record of filed incidents on GitHub (${message}), so a re-run cannot be recognised and could file the incident again.${permission}`
    )
  }
}
