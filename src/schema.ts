/**
 * Every rule the action applies to its inputs and to the incident it sends, declared once.
 * Input rules are keyed by input name, so each problem is reported against the input a user set.
 */
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import * as v from 'valibot'
import { isIncidentEvent } from './events.js'
import { INCIDENT_PATH } from './hivel.js'
import { withoutCredentials } from './redact.js'
import { DEFAULT_LOOK_BACK, LOOK_BACK_FORMS, parseLookBack } from './situations/look-back.js'
import { FIELD_LIMIT, truncate } from './text.js'
import { parseDuration, parseTime, TIME_FORMS } from './time.js'

export { FIELD_LIMIT }
/** Anything longer is not a plausible input and is refused before it is looked at. */
export const INPUT_LIMIT = 64 * 1024
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const
export const AUTH_HEADERS = ['both', 'authorization', 'x-api-token', 'bearer'] as const
export type AuthHeader = (typeof AUTH_HEADERS)[number]
export const DEFAULT_BASE_URL = 'https://app.hivel.ai'
export const MAX_ATTEMPTS_LIMIT = 10
export const FILE_ON = ['recovery', 'failure'] as const
const SEVERITY_EVENTS = new Set(['issues', 'pull_request', 'pull_request_target'])
export const TIMEOUT_LIMIT_SECONDS = 600

/** The severities as error messages list them. */
const SEVERITY_FORMS = 'low, medium, high or critical (or an alias such as sev1 or p2)'

const SEVERITY_ALIASES: Record<string, (typeof SEVERITIES)[number]> = {
  0: 'critical',
  1: 'critical',
  2: 'high',
  3: 'medium',
  4: 'low',
  5: 'low'
}

/** Common words for the levels, in any case: in the severity input and in an issue's labels and body. */
export const SEVERITY_WORD_ALIASES: Readonly<Record<string, (typeof SEVERITIES)[number]>> = {
  crit: 'critical',
  hi: 'high',
  med: 'medium',
  major: 'high',
  minor: 'low'
}

/** The severity Hivel gets: the four levels lower-cased, the aliases mapped, any other word as given. */
export function normalizeSeverity(raw: string): string {
  const text = raw.trim()
  const lower = text.toLowerCase()
  if ((SEVERITIES as readonly string[]).includes(lower)) return lower
  if (Object.hasOwn(SEVERITY_WORD_ALIASES, lower)) return SEVERITY_WORD_ALIASES[lower]
  const alias = /^(?:sev|p)[-_ ]?([0-5])$/.exec(lower)
  return alias ? SEVERITY_ALIASES[alias[1]] : text
}

/**
 * The words a misspelt severity is compared with: the levels, then their sevN/pN aliases. The word
 * aliases are not among them: "hi" or "med" one edit away would take "ho" or "mid" for slips.
 */
const SEVERITY_WORDS = [...SEVERITIES, ...Object.keys(SEVERITY_ALIASES).flatMap(n => [`sev${n}`, `p${n}`])]

/** Edits (insert, delete, replace, or swap two neighbours) that turn a into b: optimal string alignment. */
export function editDistance(a: string, b: string): number {
  let before: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], before[j - 2] + 1)
    }
    before = previous
    previous = row
  }
  return previous[b.length]
}

/**
 * Why a severity looks misspelt ("hgih" is one swap from high), or undefined when it is a known
 * level or alias, or too far from all of them to be a slip (Hivel accepts any word). A word of
 * four letters or more may be two edits away, a shorter one only one, so that short words of
 * their own ("hi", "med") are not taken for slips.
 */
export function severityProblem(word: string): string | undefined {
  const text = word.trim().toLowerCase()
  if ((SEVERITIES as readonly string[]).includes(normalizeSeverity(text))) return undefined
  const distances = SEVERITY_WORDS.map(known => editDistance(text, known))
  const closest = Math.min(...distances)
  if (closest > (text.length >= 4 ? 2 : 1)) return undefined
  const meant = SEVERITY_WORDS.filter((_, i) => distances[i] === closest)
  const choices = meant.length > 1 ? `${meant.slice(0, -1).join(', ')} or ${meant[meant.length - 1]}` : meant[0]
  return `"${word.trim()}" looks like a misspelt severity: did you mean ${choices}?`
}

/** A scheme word pasted with the token ("Bearer abc"), which auth-header adds when asked to. */
const SCHEME_WORD = /^(bearer|token)\s+(?=\S)/i

/** The token without a leading "Bearer " or "token " (any case); see SCHEME_WORD. */
export function withoutSchemeWord(token: string): string {
  return token.trim().replace(SCHEME_WORD, '')
}

/** The scheme word a token was pasted with, as written, or undefined. */
export function schemeWordOf(token: string): string | undefined {
  return SCHEME_WORD.exec(token.trim())?.[1]
}

/** Reads a list given as a JSON array, or comma- or newline-separated; trims, drops blanks and repeats. */
export function parseList(raw: string): string[] | undefined {
  const text = raw.trim()
  let items: unknown[]
  if (text.startsWith('[')) {
    try {
      items = JSON.parse(text) as unknown[]
    } catch {
      return undefined
    }
    if (!Array.isArray(items) || !items.every(i => typeof i === 'string' || typeof i === 'number')) return undefined
  } else {
    items = text.split(/[,\n]/)
  }
  return [...new Set(items.map(i => String(i).trim()).filter(Boolean))]
}

/** Reads a pull request given as 44, #44 or its URL; undefined when it is none of those. */
export function parsePrNumber(raw: string): string | undefined {
  const m = /^(?:#?(\d+)|https?:\/\/[^\s]+\/pulls?\/(\d+)(?:[/?#]\S*)?)$/i.exec(raw.trim())
  const digits = m?.[1] ?? m?.[2]
  if (!digits) return undefined
  const n = Number(digits)
  return Number.isSafeInteger(n) && n > 0 ? String(n) : undefined
}

/**
 * Why plain http to this URL could show the token to someone, or undefined when the request
 * provably stays on this machine: its host is an address in 127.0.0.0/8, [::1] or localhost, and
 * no proxy applies to it by http-client's own rules (HTTP_PROXY, NO_PROXY: the environment is read
 * here and only here). Any other name, *.localhost included, may resolve or be proxied elsewhere.
 */
function plainHttpProblem(url: URL): string | undefined {
  const host = url.hostname
  if (host !== 'localhost' && host !== '[::1]' && !/^127\.\d+\.\d+\.\d+$/.test(host)) {
    return `uses plain http for a host that is not loopback, which would expose the token${host.endsWith('.localhost') ? ` (${host} is a name, which a proxy or DNS can send elsewhere: use localhost or 127.0.0.1)` : ''}`
  }
  const proxy = getProxyUrl(url)
  return proxy
    ? `uses plain http through the proxy at ${proxy.host}, which would see the token; use https, or add ${host} to NO_PROXY`
    : undefined
}

/** Hivel's endpoint and the paths leading to it, as pasted by someone who copied the whole address. */
const ENDPOINT_PATHS = [INCIDENT_PATH, INCIDENT_PATH.slice(0, INCIDENT_PATH.lastIndexOf('/')), '/hivelapi/v1/incident']

/** Why a parsed base-url cannot be Hivel's address, or undefined when it can. */
function baseUrlProblem(url: URL): string | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `uses ${url.protocol}, which is not https`
  const insecure = url.protocol === 'http:' ? plainHttpProblem(url) : undefined
  if (insecure) return insecure
  if (url.username || url.password) return 'contains credentials (not shown); remove them and pass the token as api-token'
  if (url.search || url.hash) return 'has a query or fragment'
  const path = url.pathname.replace(/\/+$/, '')
  const pasted = ENDPOINT_PATHS.find(end => path.toLowerCase().endsWith(end))
  if (!pasted) return undefined
  const what = pasted === ENDPOINT_PATHS[2] ? `Hivel's old endpoint ${pasted}` : pasted
  return `ends in ${what}, but the action adds ${INCIDENT_PATH} itself; remove it: base-url: ${url.origin}${path.slice(0, -pasted.length)}`
}

/** Why a string is not plain text, or undefined when it is. */
function textProblem(s: string): string | undefined {
  if (s.includes('\0')) return 'contains a NUL character; only text is accepted'
  if (s.includes('\uFFFD')) return 'is not valid UTF-8 text'
  return undefined
}

// Each input first passes these: hostile or absurd text is refused before any rule reads it.
const text = v.pipe(
  v.string(),
  v.maxLength(INPUT_LIMIT, i => `is ${i.received.replace(/^\D*/, '')} characters long; at most ${INPUT_LIMIT} are accepted`),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? textProblem(dataset.value) : undefined
    if (problem) addIssue({ message: problem })
  }),
  v.trim()
)

const limited = v.pipe(
  text,
  v.maxLength(FIELD_LIMIT, i => `is ${i.input.length} characters long; Hivel accepts at most ${FIELD_LIMIT}`)
)

const time = (now: Date) =>
  v.pipe(
    text,
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const result = parseTime(dataset.value, now)
      if (result.ok) return result.date
      addIssue({ message: `"${dataset.value}" ${result.problem}. Accepted: ${TIME_FORMS}` })
      return NEVER
    })
  )

const oneOf = <T extends string>(values: readonly T[]) =>
  v.pipe(
    text,
    v.toLowerCase(),
    v.picklist(values, i => `"${String(i.input)}" is not accepted. Accepted: ${values.join(', ')}`)
  )

const boolean = v.pipe(
  text,
  v.toLowerCase(),
  v.picklist(['true', 'false'], i => `"${String(i.input)}" is not a boolean. Accepted: true or false`),
  v.transform(s => s === 'true')
)

const number = (min: number, max: number, integer: boolean) =>
  v.pipe(
    text,
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const n = Number(dataset.value)
      const ok = dataset.value !== '' && Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n))
      if (ok) return n
      addIssue({
        message: `"${dataset.value}" is not accepted. Accepted: ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`
      })
      return NEVER
    })
  )

const baseUrl = v.pipe(
  text,
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const accepted =
      'Accepted: https://app.hivel.ai, https://app.hivel.in, or another https URL (a gateway, with its own path if it has one); http only for localhost, 127.0.0.1 or the IPv6 loopback, with no proxy'
    let url: URL
    try {
      url = new URL(dataset.value)
    } catch {
      // What does not parse, or parses oddly ("alice:pw@host" has the scheme alice:), may still hold a password.
      addIssue({ message: `"${withoutCredentials(dataset.value)}" is not a URL. ${accepted}` })
      return NEVER
    }
    const problem = baseUrlProblem(url)
    if (problem) {
      addIssue({ message: `"${withoutCredentials(`${url.protocol}//${url.host}${url.pathname}`)}" ${problem}. ${accepted}` })
      return NEVER
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  })
)

const severity = v.pipe(
  limited,
  v.minLength(1, 'is empty'),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? severityProblem(dataset.value) : undefined
    if (problem) addIssue({ message: `${problem} Accepted: ${SEVERITY_FORMS}; a word not close to these is sent as given` })
  }),
  v.transform(normalizeSeverity)
)

/** Why a token cannot be sent in an HTTP header, in words that do not show it; undefined when it can. */
function headerProblem(token: string): string | undefined {
  // What Node accepts in a header value: tab, space, visible ASCII and the rest of Latin-1.
  const bad = /[^\t\x20-\x7e\x80-\xff]/.exec(token)?.[0]
  if (bad === undefined) return undefined
  const what = /[\n\r]/.test(bad)
    ? 'a line break'
    : bad.charCodeAt(0) < 0x100
      ? 'a control character'
      : 'a character outside Latin-1 (such as an emoji or a letter from another script)'
  return `contains ${what}, which an HTTP header cannot carry; check that the secret holds the token alone, as Hivel shows it (the token is not shown here)`
}

const apiToken = v.pipe(
  text,
  v.transform(withoutSchemeWord),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? headerProblem(dataset.value) : undefined
    if (problem) addIssue({ message: problem })
  })
)

const list = v.pipe(
  text,
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const items = parseList(dataset.value)
    if (!items) {
      addIssue({ message: 'is not a list. Accepted: comma- or newline-separated names, or a JSON array of strings' })
      return NEVER
    }
    // A JSON array can spell characters the raw text did not contain.
    const hostile = items.map(textProblem).find(Boolean)
    if (hostile) {
      addIssue({ message: `has an item that ${hostile}` })
      return NEVER
    }
    const long = items.find(i => i.length > FIELD_LIMIT)
    if (long) {
      addIssue({
        message: `has an item of ${long.length} characters ("${long.slice(0, 20)}…"); Hivel accepts at most ${FIELD_LIMIT} per item`
      })
      return NEVER
    }
    return items
  })
)

const repoUrl = (serverUrl: string) =>
  v.pipe(
    limited,
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const value = dataset.value.replace(/\/+$/, '').replace(/\.git$/, '')
      const url = /^[\w.-]+\/[\w.-]+$/.test(value) ? `${serverUrl}/${value}` : /^https?:\/\/[^\s/]+\/\S+$/.test(value) ? value : undefined
      if (url && url.length > FIELD_LIMIT) {
        addIssue({ message: `becomes ${url.length} characters long as a URL; Hivel accepts at most ${FIELD_LIMIT}` })
        return NEVER
      }
      if (url) return url
      addIssue({
        message: `"${dataset.value}" is not a repository. Accepted: owner/repo or the repository's URL (https://github.com/owner/repo)`
      })
      return NEVER
    })
  )

/** The repository a run works on, named as actions/checkout names it. */
const repository = v.pipe(
  text,
  v.check(
    r => /^[A-Za-z0-9-]+\/[\w.-]+$/.test(r) && !/\/\.{1,2}$/.test(r),
    i => `"${i.input}" is not a repository. Accepted: owner/name, such as acme/payments`
  )
)

const prNumber = v.pipe(
  text,
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const pr = parsePrNumber(dataset.value)
    // A pull request's URL names its repository too, which is then the incident's (another repository's PR).
    if (pr) return { number: pr, repoUrl: /^(https?:\/\/[^\s/]+\/[^\s/]+\/[^\s/]+)\/pulls?\//i.exec(dataset.value.trim())?.[1] }
    addIssue({ message: `"${dataset.value}" is not a pull request. Accepted: a positive number (44), #44, or the pull request's URL` })
    return NEVER
  })
)

const lookBack = v.pipe(
  text,
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const bounds = parseLookBack(dataset.value)
    if (bounds) return bounds
    addIssue({ message: `"${dataset.value}" is not accepted. Accepted: ${LOOK_BACK_FORMS}` })
    return NEVER
  })
)

/** A backfill's start: a time, or a duration before now ("90d", "12w", "36h"). */
const since = (now: Date) =>
  v.pipe(
    text,
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const ago = parseDuration(dataset.value)
      if (ago !== undefined) return new Date(now.getTime() - ago)
      const result = parseTime(dataset.value, now)
      if (result.ok) return result.date
      addIssue({
        message: `"${dataset.value}" ${result.problem}. Accepted: ${TIME_FORMS}, or a duration before now such as 90d, 12w or 36h`
      })
      return NEVER
    })
  )

const SEVERITY_REQUIRED = `is required: set severity to ${SEVERITY_FORMS}`

/**
 * What the inputs become, before context fills the gaps. Only an issues event can supply a
 * severity (from labels), so anywhere else a missing one is reported with the other inputs.
 */
export const settingsSchema = (now: Date, serverUrl: string, eventName = '', ownRepository = '') =>
  v.pipe(
    v.object({
      'api-token': v.optional(apiToken),
      'base-url': v.optional(baseUrl, DEFAULT_BASE_URL),
      severity: v.optional(severity),
      description: v.optional(text),
      'affected-systems': v.optional(list),
      'reported-time': v.optional(time(now)),
      'resolution-time': v.optional(time(now)),
      'reported-by': v.optional(limited),
      'provider-id': v.optional(limited),
      'repo-url': v.optional(repoUrl(serverUrl)),
      'pr-number': v.optional(prNumber),
      'github-token': v.optional(text),
      'auth-header': v.optional(oneOf(AUTH_HEADERS), 'both'),
      'dry-run': v.optional(boolean, 'false'),
      'fail-on-error': v.optional(boolean, 'true'),
      'max-attempts': v.optional(number(1, MAX_ATTEMPTS_LIMIT, true), '4'),
      'timeout-seconds': v.optional(number(1, TIMEOUT_LIMIT_SECONDS, false), '30'),
      'retry-when-unsure': v.optional(boolean, 'false'),
      'incident-label': v.optional(limited, 'incident'),
      'file-on': v.optional(oneOf(FILE_ON), 'recovery'),
      'look-back': v.optional(lookBack, DEFAULT_LOOK_BACK),
      'revert-branches': v.optional(list),
      record: v.optional(boolean, 'true'),
      comment: v.optional(boolean, 'true'),
      resend: v.optional(list),
      'rate-limit-wait-seconds': v.optional(number(0, 3600, false), '300'),
      'backfill-since': v.optional(since(now)),
      'backfill-until': v.optional(since(now)),
      'backfill-issues': v.optional(boolean, 'true'),
      'backfill-workflows': v.optional(list),
      'backfill-branch': v.optional(limited),
      'backfill-environments': v.optional(list),
      'backfill-reverts': v.optional(boolean, 'true'),
      'backfill-concurrency': v.optional(number(1, 16, true), '4'),
      deployments: v.optional(boolean, 'false'),
      'deployment-api-token': v.optional(apiToken),
      environment: v.optional(limited),
      image: v.optional(limited),
      'deploy-jobs': v.optional(list),
      'backfill-deployments': v.optional(boolean, 'false'),
      repository: v.optional(repository)
    }),
    v.forward(
      v.partialCheck(
        [['repository'], ['backfill-since']],
        // An event is about the run's own repository; only history can be read from another.
        i => !i.repository || i.repository.toLowerCase() === ownRepository.toLowerCase() || i['backfill-since'] !== undefined,
        `names a repository other than this run's (${ownRepository || 'GITHUB_REPOSITORY'}), which only a backfill reads: set backfill-since (2h for a sync) or remove repository`
      ),
      ['repository']
    ),
    v.forward(
      v.partialCheck(
        [['backfill-since'], ['backfill-until']],
        i => !i['backfill-until'] || (i['backfill-since'] !== undefined && i['backfill-since'] < i['backfill-until']),
        'must come after backfill-since, which a backfill needs (backfill-until alone starts nothing)'
      ),
      ['backfill-until']
    ),
    v.forward(
      v.partialCheck(
        [['api-token'], ['dry-run'], ['deployments'], ['deployment-api-token']],
        // A step inside the deploy workflow sends its deployment alone, with the deployment key.
        i =>
          i['dry-run'] ||
          i['api-token'] !== undefined ||
          (i.deployments && !isIncidentEvent(eventName) && i['deployment-api-token'] !== undefined),
        'is required: pass api-token: ${{ secrets.HIVEL_API_TOKEN }} or set the HIVEL_API_TOKEN environment variable (only a dry-run needs none)'
      ),
      ['api-token']
    ),
    v.forward(
      v.partialCheck(
        [['severity'], ['backfill-since'], ['deployments']],
        // Issues and reverts carry a severity in their labels; a backfill lists what lacks one; a step
        // inside the deploy workflow with deployments reports its deployment alone.
        i =>
          SEVERITY_EVENTS.has(eventName) ||
          i['backfill-since'] !== undefined ||
          i.severity !== undefined ||
          (i.deployments && !isIncidentEvent(eventName)),
        SEVERITY_REQUIRED
      ),
      ['severity']
    )
  )

export type Settings = v.InferOutput<ReturnType<typeof settingsSchema>>
export type InputName = keyof Settings

// Runner clocks drift; a little tolerance keeps "now" from another machine valid.
const FUTURE_TOLERANCE_MS = 5 * 60_000

/** Later than now by more than runner clocks drift. */
const inFuture = (d: Date, now: Date) => d.getTime() > now.getTime() + FUTURE_TOLERANCE_MS

/** A time of the incident or the deployment: not after now, give or take the tolerance. */
const notInFuture = (now: Date) =>
  v.check<Date, (issue: v.CheckIssue<Date>) => string>(
    d => !inFuture(d, now),
    i => `${i.input.toISOString()} is in the future; accepted: a time no more than 5 minutes ahead of now`
  )

/** The incident as Hivel receives it; every field's limit from the API reference. */
export const payloadSchema = (now: Date) =>
  v.pipe(
    v.object({
      description: v.optional(
        v.pipe(
          v.string(),
          v.transform(s => truncate(s))
        )
      ),
      severity: v.pipe(v.string(SEVERITY_REQUIRED), v.minLength(1), v.maxLength(FIELD_LIMIT)),
      affected_systems: v.optional(v.array(v.pipe(v.string(), v.maxLength(FIELD_LIMIT)))),
      reported_time: v.pipe(v.date(`is required: set reported-time to when the incident began. Accepted: ${TIME_FORMS}`), notInFuture(now)),
      reported_by: v.optional(v.pipe(v.string(), v.maxLength(FIELD_LIMIT))),
      resolution_time: v.pipe(v.date(), notInFuture(now)),
      provider_id: v.optional(v.pipe(v.string(), v.maxLength(FIELD_LIMIT))),
      repo_url: v.pipe(v.string('is required: set repo-url to owner/repo or the repository URL'), v.minLength(1), v.maxLength(FIELD_LIMIT)),
      pr_number: v.pipe(
        v.string('could not be found: set pr-number to the pull request whose change caused the incident (44, #44 or its URL)'),
        v.regex(/^[1-9]\d*$/)
      )
    }),
    v.forward(
      v.partialCheck(
        [['reported_time'], ['resolution_time']],
        // A future reported-time is its own problem: a resolution-time left to default to now is not blamed for it too.
        i => inFuture(i.reported_time, now) || i.resolution_time.getTime() >= i.reported_time.getTime(),
        i =>
          `${i.input.resolution_time.toISOString()} is before reported-time ${i.input.reported_time.toISOString()}; accepted: a time at or after reported-time`
      ),
      ['resolution_time']
    )
  )

export type Incident = v.InferInput<ReturnType<typeof payloadSchema>>

/** The statuses Hivel's deployment API takes (it maps others too; the action sends these). */
export const DEPLOYMENT_STATUSES = ['success', 'failed', 'cancelled', 'unknown'] as const

const field = (what: string) => v.pipe(v.string(`is required: ${what}`), v.minLength(1, `is required: ${what}`), v.maxLength(FIELD_LIMIT))
const optionalField = v.optional(v.pipe(v.string(), v.maxLength(FIELD_LIMIT)))

/** A deployment as Hivel's deployment API receives it; every field's limit from its reference. */
export const deploymentSchema = (now: Date) =>
  v.pipe(
    v.object({
      deployment_id: field('the id of the deployment'),
      event_type: v.literal('completed'),
      status: v.picklist(DEPLOYMENT_STATUSES),
      start_time: v.pipe(v.date('is required: when the deployment started'), notInFuture(now)),
      end_time: v.pipe(v.date('is required: when the deployment finished'), notInFuture(now)),
      repo_url: field('the repository URL'),
      environment: field('set environment to the environment deployed to, such as production'),
      branch: field('the branch deployed'),
      commit_hash: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{40}$/, 'is not a 40-character commit SHA'))),
      pr_number: v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d*$/))),
      build_number: optionalField,
      image: optionalField,
      logs_url: optionalField
    }),
    v.forward(
      v.partialCheck(
        [['start_time'], ['end_time']],
        i => i.end_time.getTime() >= i.start_time.getTime(),
        i =>
          `${i.input.end_time.toISOString()} is before its start ${i.input.start_time.toISOString()}; accepted: a time at or after the start`
      ),
      ['end_time']
    )
  )

export type Deployment = v.InferInput<ReturnType<typeof deploymentSchema>>

/** Payload fields named by the input that sets them, so errors speak the user's language. */
export const INPUT_OF_FIELD: Record<keyof Incident, InputName> = {
  description: 'description',
  severity: 'severity',
  affected_systems: 'affected-systems',
  reported_time: 'reported-time',
  reported_by: 'reported-by',
  resolution_time: 'resolution-time',
  provider_id: 'provider-id',
  repo_url: 'repo-url',
  pr_number: 'pr-number'
}

/** One line per problem, each naming the input: the form `::error` annotations take. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], rename: (key: string) => string = k => k): string[] {
  return issues.map(issue => {
    const key = issue.path?.map(p => String(p.key))[0] ?? 'input'
    return `Input '${rename(key)}' ${issue.message}`
  })
}

/** Thrown for bad input: nothing has been sent, and every problem is listed. */
export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} inputs are invalid:\n${problems.join('\n')}`)
    this.name = 'InputError'
  }
}

/** Parses with every issue collected, or throws an InputError naming each. */
export function parseAll<T extends v.GenericSchema>(schema: T, input: unknown, rename?: (key: string) => string): v.InferOutput<T> {
  const result = v.safeParse(schema, input, { abortEarly: false })
  if (result.success) return result.output
  throw new InputError(describeIssues(result.issues, rename))
}
