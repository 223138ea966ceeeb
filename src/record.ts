/**
 * The record for people: a comment on the incident's issue or on the pull request it blames, with
 * one hidden marker line. The ledger (src/ledger.ts) is the authority; markers are read back only to
 * import what versions before the ledger recorded, and only from the action's own comments.
 */
import { type Comment, type GitHubApi, GitHubApiError } from './github-api.js'
import { isPlainId } from './hivel.js'
import { Payload, recoveryMs } from './incident.js'
import type { Thread } from './situations/draft.js'
import { formatDuration, utcRange } from './time.js'

const OPEN = '<!-- hivel-incident '
const CLOSE = ' -->'
/** A marker longer than this is not one the action wrote (two ids of ≤255 and the JSON around them). */
const MARKER_MAX = 1200

/** The identity that writes the comments with a workflow token. */
export const ACTIONS_BOT = 'github-actions[bot]'

/** One recorded incident, as a marker says. */
export interface Recorded {
  providerId: string
  incidentId: string
  /** The comment's link. */
  url: string
}

/**
 * The recorded incidents a comment body holds, in time linear in its length (each marker is looked
 * for with indexOf from where the last ended, and is at most MARKER_MAX long). A marker whose id is
 * not plain, or that is not the JSON the action writes, is ignored.
 */
export function markersIn(body: string, url: string): Recorded[] {
  const found: Recorded[] = []
  // The next CLOSE, looked for again only once passed: openers that share it cannot make this quadratic.
  let end = -1
  for (let at = body.indexOf(OPEN); at !== -1; at = body.indexOf(OPEN, at + OPEN.length)) {
    const start = at + OPEN.length
    if (end < start) end = body.indexOf(CLOSE, start)
    if (end === -1) break
    if (end - start > MARKER_MAX) continue
    try {
      const data = JSON.parse(body.slice(start, end)) as { provider_id?: unknown; incident_id?: unknown }
      if (typeof data.provider_id === 'string' && data.provider_id && typeof data.incident_id === 'string' && isPlainId(data.incident_id)) {
        found.push({ providerId: data.provider_id, incidentId: data.incident_id, url })
      }
    } catch {
      // Not the action's JSON: not a record.
    }
  }
  return found
}

/** Text of the event put into a comment, unable to open or close an HTML comment (so no marker). */
const inert = (text: string) => text.replace(/\s+/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The comment for people, with the hidden line. The marker's JSON cannot close the HTML comment. */
export function commentBody(payload: Payload, incidentId: string, runUrl: string): string {
  const duration = formatDuration(recoveryMs(payload))
  const marker = JSON.stringify({ provider_id: payload.provider_id ?? '', incident_id: incidentId }).replace(/--/g, '-\\u002d')
  const what = payload.description ? `, ${inert(payload.description)}` : ''
  return [
    `Filed with Hivel as incident **${incidentId}**: ${payload.severity}, ${utcRange(payload.reported_time, payload.resolution_time)} (${duration})${what} · filed by ${runUrl}`,
    '',
    `${OPEN}${marker}${CLOSE}`
  ].join('\n')
}

/**
 * The one permission a thread's comments need: issues for an issue, pull-requests for a pull
 * request; read to read them, write when the run also comments there.
 */
export const threadPermission = (thread: Thread, write: boolean): string =>
  `${thread.kind === 'issue' ? 'issues' : 'pull-requests'}: ${write ? 'write' : 'read'}`

/** The thread of a payload: the situation's own (an issue, a revert), else the blamed pull request when it is in this repository; or why there is none. */
export function threadOf(payload: Payload, situationThread: Thread | undefined, ownRepoUrl: string): Thread | { none: string } {
  if (situationThread) return situationThread
  if (payload.repo_url.toLowerCase() === ownRepoUrl.toLowerCase()) return { number: Number(payload.pr_number), kind: 'pull request' }
  return {
    none: `the pull request it blames is in ${payload.repo_url}, not this repository, and the job's token comments only on this repository's threads (the ledger, when record is true, still keeps it from being filed twice)`
  }
}

/**
 * Reads the records the action's own comments hold, each thread once however many incidents ask.
 * A comment counts only when its author is the identity that writes them: github-actions[bot], or
 * the token's own user. A thread that cannot be read is an error, never "no record".
 */
export class CommentRecords {
  private readonly threads = new Map<number, Promise<Recorded[]>>()

  constructor(private readonly api: Pick<GitHubApi, 'comments' | 'repoComments' | 'comment' | 'login'>) {}

  /**
   * Reads the records of many threads at once from the repository's comments since a time (one
   * list, not a read per thread); a thread without one holds none.
   */
  async readAll(threads: ReadonlySet<number>, since: Date): Promise<void> {
    const found = new Map<number, Recorded[]>([...threads].map(t => [t, []]))
    for await (const comment of this.api.repoComments(since.toISOString())) {
      const thread = Number(/\/issues\/(\d+)$/.exec(comment.issue_url ?? '')?.[1])
      const records = found.get(thread)
      if (records && comment.body?.includes(OPEN) && (await this.byAction(comment)))
        records.push(...markersIn(comment.body, comment.html_url))
    }
    for (const [thread, records] of found) this.threads.set(thread, Promise.resolve(records))
  }

  /** The records on a thread, read with the permission named should it be refused. */
  read(thread: number, permission: string): Promise<Recorded[]> {
    let recorded = this.threads.get(thread)
    if (!recorded) {
      recorded = this.readThread(thread, permission)
      this.threads.set(thread, recorded)
      // A failed read is not remembered: the next incident of the thread asks again.
      recorded.catch(() => this.threads.delete(thread))
    }
    return recorded
  }

  private async readThread(thread: number, permission: string): Promise<Recorded[]> {
    const found: Recorded[] = []
    try {
      for await (const comment of this.api.comments(thread, permission)) {
        if (!comment.body?.includes(OPEN) || !(await this.byAction(comment))) continue
        found.push(...markersIn(comment.body, comment.html_url))
      }
    } catch (error) {
      // No such issue or pull request in this repository: no comment, so no record. Any other failure is not "none".
      if (error instanceof GitHubApiError && error.status === 404 && !found.length) return []
      throw error
    }
    return found
  }

  /** Whether the action wrote the comment; the token's own login is asked only for another author. */
  private async byAction(comment: Comment): Promise<boolean> {
    const author = comment.user?.login
    return !!author && (author === ACTIONS_BOT || author === (await this.api.login()))
  }

  /** Leaves the comment for people; its link. */
  async write(thread: Thread, payload: Payload, incidentId: string, runUrl: string): Promise<string> {
    return this.api.comment(thread.number, commentBody(payload, incidentId, runUrl), threadPermission(thread, true))
  }
}
