/**
 * Reading an incident from an issue: severity and affected systems from labels or the body, and
 * the pull request the body blames. Issue forms write each answer under its label as a heading.
 */
import { FIELD_LIMIT, normalizeSeverity, parseList, SEVERITIES, SEVERITY_WORD_ALIASES } from './schema.js'

/** A level or alias as the first word of a line, also in bold or code ("**high**"). */
const SEVERITY_TOKEN = new RegExp(
  `^[*_\`]*(${[...SEVERITIES, ...Object.keys(SEVERITY_WORD_ALIASES)].join('|')}|sev[-_ ]?[0-5]|p[0-5])\\b`,
  'i'
)

/**
 * A severity from free text: a level or alias, also when words follow it ("SEV1 - checkout down"),
 * else the text as given (Hivel accepts any word, and buildIncident notes it).
 */
function severityOf(text: string): string | undefined {
  const line = text.trim().split('\n')[0].trim()
  if (!line || line.length > FIELD_LIMIT) return undefined
  const token = SEVERITY_TOKEN.exec(line)?.[1]
  return normalizeSeverity(token ?? line)
}

/** A rank for choosing between several severities: the most severe known level wins. */
const rank = (severity: string) => {
  const i = (SEVERITIES as readonly string[]).indexOf(severity)
  return i < 0 ? -1 : i
}

/** A severity from labels such as severity:high, sev1 or P2; with several, the most severe. */
export function severityFromLabels(labels: string[]): string | undefined {
  const found = labels.flatMap(label => {
    const named = /^(?:severity|sev|priority)\s*[:/=]\s*(.+)$/i.exec(label.trim())
    if (named) return severityOf(/^[0-5]$/.test(named[1].trim()) ? `sev${named[1].trim()}` : named[1]) ?? []
    return /^(?:sev|p)[-_ ]?[0-5]$/i.test(label.trim()) ? normalizeSeverity(label) : []
  })
  return found.reduce<string | undefined>((best, s) => (best === undefined || rank(s) > rank(best) ? s : best), undefined)
}

/** Affected systems from labels such as system:database. */
export function systemsFromLabels(labels: string[]): string[] {
  return labels.flatMap(l => /^systems?\s*[:/=]\s*(.+)$/i.exec(l.trim())?.[1].trim() ?? [])
}

/** How a field of an issue body is found: under a heading (issue forms) or as a "Name: value" line. */
interface BodyField {
  heading: RegExp
  line: RegExp
}

const SEVERITY_FIELD: BodyField = { heading: /^severity\b/i, line: /^severity$/i }
const SYSTEMS_FIELD: BodyField = { heading: /^(?:affected )?systems?\b/i, line: /^(?:affected )?systems?$/i }
const PR_FIELD: BodyField = { heading: /^(?:pr|pull request)\b|\bcaused by\b/i, line: /^(?:pr|pull request|caused by)$/i }

/** Text without the run of `char` it ends with. */
function withoutTrailing(text: string, char: string): string {
  let end = text.length
  while (end > 0 && text[end - 1] === char) end--
  return text.slice(0, end)
}

/*
 * The two readers below take a line apart by hand rather than with one regular expression: on a
 * long run of spaces, hashes or asterisks, such an expression tries every way to split the run,
 * and a hostile issue body would keep the step busy for minutes.
 */

/** The text of a markdown heading ("### Severity ###" gives "Severity"), or undefined when the line is none. */
function headingText(line: string): string | undefined {
  let level = 0
  while (line[level] === '#') level++
  if (level < 1 || level > 6 || !/\s/.test(line.charAt(level))) return undefined
  return withoutTrailing(line.slice(level).trim(), '#').trimEnd()
}

/** The name and value of a "Name: value" line, with markdown around the name allowed ("- **PR:** #203", "> Severity: high"). */
function nameAndValue(line: string): [string, string] | undefined {
  const colon = line.indexOf(':')
  if (colon < 0 || colon === line.length - 1) return undefined
  const after = line.slice(colon + 1)
  let before = line.slice(0, colon).trimEnd()
  if (before.endsWith('**')) before = before.slice(0, -2)
  let name = before.length
  while (name > 0 && /[\w ]/.test(before[name - 1])) name--
  if (!/^[\s>*-]*$/.test(before.slice(0, name))) return undefined
  return [before.slice(name).trim(), (after.length > 2 && after.startsWith('**') ? after.slice(2) : after).trim()]
}

/**
 * The answer to a field of an issue body: the text under its heading, as an issue form writes it
 * ("### Severity", a blank line, "high"; "_No response_" when left empty), else a "Severity: high" line.
 */
export function bodyField(body: string, field: BodyField): string | undefined {
  const lines = body.replace(/\r\n?/g, '\n').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heading = headingText(lines[i])
    if (heading !== undefined && field.heading.test(heading)) {
      const answer: string[] = []
      while (++i < lines.length && headingText(lines[i]) === undefined) answer.push(lines[i])
      const text = answer.join('\n').trim()
      return text && text !== '_No response_' ? text : undefined
    }
  }
  for (const line of lines) {
    const found = nameAndValue(line)
    if (found && field.line.test(found[0])) return found[1]
  }
  return undefined
}

/** A severity from an issue body: an issue form's Severity field or a "Severity: high" line. */
export function severityFromBody(body: string): string | undefined {
  const text = bodyField(body, SEVERITY_FIELD)
  return text === undefined ? undefined : severityOf(text)
}

/** Affected systems from an issue body: an issue form's "Affected systems" field or such a line. */
export function systemsFromBody(body: string): string[] {
  const text = bodyField(body, SYSTEMS_FIELD)
  return (text && parseList(text.replace(/^[-*]\s+/gm, ''))) || []
}

/** A pull request named in text; repoUrl when it names a repository (a URL or owner/repo#203). */
export interface PullRequestReference {
  number: string
  repoUrl?: string
}

/*
 * Each pattern is tried once per start in text, so none may scan a long run again from every
 * position in it: an owner/repo starts only where its run of [\w-] starts (the look-behind), and
 * the spaces around the colon after "caused by" can be split only one way.
 */
const PR_URL = /(https?:\/\/[^\s/]+\/[\w.-]+\/[\w.-]+)\/pulls?\/(\d+)/i
const PR_REF = new RegExp(`${PR_URL.source}|(?:(?<![\\w-])-*\\b([\\w-]+\\/[\\w.-]+))?#(\\d+)\\b`, 'i')
const CAUSED_BY = new RegExp(`\\bcaused by\\s*(?::\\s*)?(?:(?:PR|pull request)\\s*)?(?:${PR_REF.source})`, 'i')

function reference(number: string, repoUrl?: string): PullRequestReference | undefined {
  const n = Number(number)
  if (!Number.isSafeInteger(n) || n < 1) return undefined
  return repoUrl ? { number: String(n), repoUrl: repoUrl.replace(/\.git$/, '') } : { number: String(n) }
}

/** The first pull request named in text: a URL, owner/repo#203 or #203 (or a bare 203 when alone is true). */
function referenceIn(text: string, serverUrl: string, alone = false): PullRequestReference | undefined {
  const bare = alone ? /^\s*(\d+)\s*$/.exec(text) : null
  if (bare) return reference(bare[1])
  const m = PR_REF.exec(text)
  if (!m) return undefined
  const [, url, urlNumber, repo, refNumber] = m
  return url ? reference(urlNumber, url) : reference(refNumber, repo ? `${serverUrl}/${repo}` : undefined)
}

/**
 * The pull request an issue body blames, looked for in this order: an issue form's "Pull request"
 * field or a "PR:" line, "Caused by #203" anywhere, then the first pull request URL.
 */
export function pullRequestFromBody(body: string, serverUrl = 'https://github.com'): PullRequestReference | undefined {
  const field = bodyField(body, PR_FIELD)
  return (
    (field === undefined ? undefined : referenceIn(field, serverUrl, true)) ??
    referenceIn(CAUSED_BY.exec(body)?.[0] ?? '', serverUrl) ??
    referenceIn(PR_URL.exec(body)?.[0] ?? '', serverUrl)
  )
}
