/**
 * The log, in groups: one request to Hivel, one GitHub look-up or one backfill incident folded
 * under a title. Work that runs at once (look-ups beside the ledger read, a backfill's incidents)
 * keeps its lines apart: a group's lines are kept and printed together when it ends. GitHub does not
 * nest groups, so a group opened inside another adds its lines to it. A group may name what it is
 * about ("issue #12"): each of its lines, and each annotation made in it, then begins with the name.
 */
import * as core from '@actions/core'
import { AsyncLocalStorage } from 'node:async_hooks'

interface Open {
  lines: { debug: boolean; text: string }[]
  name?: string
}

const current = new AsyncLocalStorage<Open>()

/** Runs work in a log group titled title; name: what each of its lines is about. */
export async function group<T>(title: string, work: () => Promise<T>, name?: string): Promise<T> {
  const outer = current.getStore()
  if (outer) return current.run({ lines: outer.lines, name: name ?? outer.name }, work)
  const mine: Open = { lines: [], name }
  try {
    return await current.run(mine, work)
  } finally {
    if (mine.lines.length) {
      core.startGroup(title)
      for (const line of mine.lines) (line.debug ? core.debug : core.info)(line.text)
      core.endGroup()
    }
  }
}

/** The text with the name of what it is about, in a named group. */
const named = (text: string): string => {
  const name = current.getStore()?.name
  return name ? `${name}: ${text}` : text
}

function write(debug: boolean, text: string): void {
  const open = current.getStore()
  if (open) open.lines.push({ debug, text: named(text) })
  else (debug ? core.debug : core.info)(text)
}

/** A log line, in its group. */
export const info = (text: string): void => write(false, text)

/** A debug line, in its group. */
export const debug = (text: string): void => write(true, text)

/** A warning annotation, at once (annotations are not folded), named as its group is. */
export const warning = (text: string, title: string): void => core.warning(named(text), { title })

/** A notice annotation, at once, named as its group is. */
export const notice = (text: string, title: string): void => core.notice(named(text), { title })

/** The title of the error a failed step ends with; core.setFailed gives its annotation none. */
export const FAILED = 'Hivel step failed'

/** Fails the step with one titled error annotation, as core.setFailed does without a title. */
export function fail(text: string, title = FAILED): void {
  process.exitCode = core.ExitCode.Failure
  core.error(text, { title })
}

/**
 * What a record is, for people: "issue #12", "pull request #203", "run 4712", "deployment 88", from
 * its provider id or deployment id; the id itself when it is none of these.
 */
export function recordName(id: string): string {
  const found = /\/(issues|pull|actions\/runs|deployments)\/(\d+)/.exec(id)
  if (!found) return id
  const noun = { issues: 'issue #', pull: 'pull request #', 'actions/runs': 'run ', deployments: 'deployment ' }[found[1]]
  return `${noun}${found[2]}`
}
