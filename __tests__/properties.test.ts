/**
 * Properties of input parsing, checked with fast-check over generated inputs: no input makes a
 * parser throw anything but a validation error (InputError), and whatever is accepted becomes a
 * payload within Hivel's limits. Each property counts the cases that reached its assertions and
 * fails when too few did, so a generator that misses the accepted inputs cannot pass unnoticed.
 */
import { describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'
import * as core from '../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { buildIncident } = await import('../src/incident.js')
const {
  AUTH_HEADERS,
  FIELD_LIMIT,
  INPUT_LIMIT,
  InputError,
  normalizeSeverity,
  parseAll,
  parseList,
  parsePrNumber,
  payloadSchema,
  SEVERITIES,
  SEVERITY_WORD_ALIASES,
  severityProblem,
  settingsSchema
} = await import('../src/schema.js')
const { severityFromBody, severityFromLabels } = await import('../src/issue-text.js')
const { truncate } = await import('../src/text.js')
const { parseTime, toIsoUtc } = await import('../src/time.js')
const { INPUT_NAMES } = await import('../src/inputs.js')
type Settings = import('../src/schema.js').Settings
type Payload = import('../src/incident.js').Payload
type Defaults = import('../src/situations/draft.js').Defaults
type RawInputs = import('../src/inputs.js').RawInputs

const now = new Date('2026-11-26T10:00:00Z')
const SERVER_URL = 'https://github.com'
/** ISO 8601 in UTC as Hivel's examples write it: four-digit year, seconds, optional milliseconds, Z. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/
const FUTURE_TOLERANCE_MS = 5 * 60_000

/**
 * Found by these properties (time.ts): wall times in year 0000 or 9999 whose offset or rounding
 * moves the instant outside four-digit years; toIsoUtc then writes "-000001-…" or "+010000-…".
 */
const KNOWN_OUT_OF_RANGE = ['0000-01-01T00:30+01:00', '9999-12-31T23:59:00-00:01', '9999-12-31T23:59:59.9999Z']

/** Runs `parse`, and returns undefined when it threw an InputError; any other throw fails the test. */
function accepted<T>(parse: () => T): T | undefined {
  try {
    return parse()
  } catch (error) {
    if (error instanceof InputError) return undefined
    throw error
  }
}

/**
 * Counts a property's cases and those that reached the assertions that matter; `expectShare`
 * then fails when fewer than `share` of the cases did.
 */
function reach() {
  const count = { cases: 0, reached: 0 }
  return {
    case: () => void count.cases++,
    reached: () => void count.reached++,
    expectShare: (share: number) => expect(count.reached / count.cases).toBeGreaterThanOrEqual(share)
  }
}

/** Mostly what `valid` gives, one case in ten what `wild` gives. */
const mostly = <V, W>(valid: fc.Arbitrary<V>, wild: fc.Arbitrary<W>): fc.Arbitrary<V | W> =>
  fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: wild })

// Generators: each input's plausible forms, near misses, and anything at all.
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom('', ' ', '\0', '\uFFFD', 'x'.repeat(INPUT_LIMIT + 1), '[', '[]', 'null', '::set-output name=x::y', '${{ secrets.X }}')
)
const pad = (n: number, width: number) => String(n).padStart(width, '0')
/** The fields of an ISO 8601 text, mostly within their ranges, sometimes just outside them. */
const isoFields = fc.record({
  year: fc.oneof(fc.integer({ min: 2020, max: 2027 }), fc.integer({ min: 0, max: 9999 })),
  month: mostly(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 13 })),
  day: mostly(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 32 })),
  hour: mostly(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 24 })),
  minute: mostly(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 60 })),
  second: fc.option(mostly(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 60 }))),
  fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/)),
  decimal: fc.constantFrom('.', ','),
  separator: fc.constantFrom('T', 't', ' '),
  zone: mostly(
    fc.oneof(
      fc.constantFrom('Z', 'z', ' Z'),
      fc.record({
        sign: fc.constantFrom<'+' | '-'>('+', '-'),
        hours: mostly(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 24, max: 25 })),
        minutes: mostly(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 60, max: 61 })),
        form: fc.constantFrom<':' | '' | 'hours'>(':', '', 'hours')
      })
    ),
    fc.constant('')
  )
})
type IsoFields = typeof isoFields extends fc.Arbitrary<infer T> ? T : never

function isoText(t: IsoFields): string {
  const zone =
    typeof t.zone === 'string'
      ? t.zone
      : `${t.zone.sign}${pad(t.zone.hours, 2)}${t.zone.form === 'hours' ? '' : `${t.zone.form}${pad(t.zone.minutes, 2)}`}`
  const seconds = t.second === null ? '' : `:${pad(t.second, 2)}${t.fraction === null ? '' : `${t.decimal}${t.fraction}`}`
  return `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}${t.separator}${pad(t.hour, 2)}:${pad(t.minute, 2)}${seconds}${zone}`
}
const isoTime = isoFields.map(isoText)

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar, by arithmetic alone (no Date). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468
}
const DAY_MS = 86_400_000
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const daysInMonth = (y: number, m: number) => (m === 2 ? (leap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31)

/**
 * The instant the fields name, in milliseconds since the epoch, computed without Date; undefined
 * when they name no real time, no zone, or one outside the four-digit years of UTC.
 */
function instantOf(t: IsoFields): number | undefined {
  if (t.zone === '') return undefined
  const second = t.second ?? 0
  const real = t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= daysInMonth(t.year, t.month) && t.hour < 24 && t.minute < 60
  if (!real || second >= 60) return undefined
  const zone =
    typeof t.zone === 'string' ? { sign: '+', hours: 0, minutes: 0 } : { ...t.zone, minutes: t.zone.form === 'hours' ? 0 : t.zone.minutes }
  if (zone.hours > 23 || zone.minutes > 59) return undefined
  const offsetMinutes = (zone.sign === '-' ? -1 : 1) * (zone.hours * 60 + zone.minutes)
  // The fraction to the nearest millisecond, half up, in whole numbers: nanoseconds first.
  const nanos = t.second === null || t.fraction === null ? 0 : Number(t.fraction.padEnd(9, '0'))
  const ms =
    daysFromCivil(t.year, t.month, t.day) * DAY_MS +
    ((t.hour * 60 + t.minute - offsetMinutes) * 60 + second) * 1000 +
    Math.floor((nanos + 500_000) / 1_000_000)
  const [earliest, latest] = [daysFromCivil(0, 1, 1) * DAY_MS, daysFromCivil(10_000, 1, 1) * DAY_MS - 1]
  return ms >= earliest && ms <= latest ? ms : undefined
}

/** The instant as ISO 8601 wall time at `offset` minutes from UTC, with the offset. */
function withOffset(date: Date, offset: number): string {
  const wall = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, -1)
  return `${wall}${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60), 2)}:${pad(Math.abs(offset) % 60, 2)}`
}

/**
 * Any wall time a four-digit year can write, in any zone: [text, the instant it names]. Near the
 * ends of that range the instant itself may fall a day outside it.
 */
const near = (iso: string) => fc.integer({ min: Date.parse(iso) - 86_400_000, max: Date.parse(iso) + 86_400_000 }).map(ms => new Date(ms))
const zonedTime = fc
  .tuple(
    fc.oneof(
      fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
      near('0000-01-01T00:00:00Z'),
      near('+010000-01-01T00:00:00Z')
    ),
    fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })
  )
  .map(([date, offset]): [string, Date] => [withOffset(date, offset), date])
  .filter(([text]) => /^\d{4}-/.test(text))
const epochTime = fc.oneof(
  fc.integer({ min: now.getTime() / 1000 - 86_400 * 30, max: now.getTime() / 1000 + 3600 }).map(String),
  fc.integer({ min: now.getTime() - 86_400_000 * 30, max: now.getTime() + 3_600_000 }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 22n }).map(String),
  fc.double({ min: 0, max: 1e12, noNaN: true }).map(n => n.toFixed(3))
)
const timeText = fc.oneof(
  isoTime,
  zonedTime.map(([text]) => text),
  epochTime,
  fc.constantFrom('now', 'NOW', ' now '),
  anyText
)
const word = fc.string({ unit: 'grapheme-ascii', minLength: 0, maxLength: 12 })
const listText = fc.oneof(
  fc
    .array(fc.oneof(word, fc.string({ maxLength: 300 })), { maxLength: 6 })
    .chain(items => fc.constantFrom(items.join(','), items.join('\n'), ` ${items.join(' , ')} `)),
  fc.array(fc.oneof(word, fc.integer(), fc.double(), fc.constant(null), fc.string({ maxLength: 300 }))).map(items => JSON.stringify(items)),
  anyText
)
const prText = mostly(
  fc
    .tuple(
      mostly(fc.integer({ min: 1, max: 100_000 }), fc.oneof(fc.integer({ min: -5, max: 0 }), fc.constant(Number.MAX_SAFE_INTEGER + 2))),
      fc.constantFrom(
        (n: number) => String(n),
        (n: number) => `#${n}`,
        (n: number) => ` ${n} `,
        (n: number) => `https://github.com/acme/shop/pull/${n}`,
        (n: number) => `https://ghe.example/acme/shop/pulls/${n}/files?x=1#y`,
        (n: number) => `http://x/pull/${n}x`
      )
    )
    .map(([n, form]) => form(n)),
  anyText
)
const severityText = fc.oneof(
  fc.constantFrom(...SEVERITIES, 'sev0', 'SEV-1', 'p2', 'P_3', 'sev 4', 'p5', 'sev6', 'HIGH', ' Critical '),
  fc.string({ maxLength: 300 }),
  anyText
)
const urlText = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    'http://127.0.0.1:8080',
    'http://localhost/',
    'http://[::1]:1',
    'http://hivel.test',
    'ftp://x',
    'https://u:p@x',
    'acme/shop',
    'acme/shop.git/'
  ),
  fc.tuple(word, word).map(([owner, repo]) => `${owner}/${repo}`),
  anyText
)
const numberText = fc.oneof(
  fc.integer({ min: -5, max: 700 }).map(String),
  fc.double().map(String),
  fc.constantFrom('1e1', '0x10', '1.5', ' 3 '),
  anyText
)
const booleanText = fc.oneof(fc.constantFrom('true', 'false', 'TRUE', ' False ', 'yes', '1'), anyText)

/** Each input as anything of its kind: plausible forms, near misses and any text. */
const wildInput: Record<(typeof INPUT_NAMES)[number], fc.Arbitrary<string>> = {
  'api-token': fc.oneof(fc.constant('hvl_token'), anyText),
  'base-url': urlText,
  severity: severityText,
  description: fc.oneof(fc.string({ maxLength: 600 }), anyText),
  'affected-systems': listText,
  'reported-time': timeText,
  'resolution-time': timeText,
  'reported-by': fc.oneof(word, anyText),
  'provider-id': fc.oneof(word, anyText),
  'repo-url': urlText,
  'pr-number': prText,
  'github-token': anyText,
  'auth-header': fc.oneof(fc.constantFrom('both', 'authorization', 'X-API-Token', 'bearer', 'basic'), anyText),
  'dry-run': booleanText,
  'fail-on-error': booleanText,
  'max-attempts': numberText,
  'timeout-seconds': numberText,
  'retry-when-unsure': booleanText,
  'incident-label': fc.oneof(word, anyText),
  'file-on': fc.oneof(fc.constantFrom('recovery', 'failure', 'Recovery', 'success'), anyText),
  'look-back': fc.oneof(fc.constantFrom('100 runs or 90 days', '50 runs', '30d', '0 runs', '5 weeks'), anyText),
  'revert-branches': listText,
  record: booleanText,
  comment: booleanText,
  resend: listText,
  'rate-limit-wait-seconds': numberText,
  'backfill-since': fc.oneof(fc.constantFrom('90d', '2026-09-01', '12w', '3x'), timeText),
  'backfill-until': timeText,
  'backfill-issues': booleanText,
  'backfill-workflows': listText,
  'backfill-branch': fc.oneof(word, anyText),
  'backfill-environments': listText,
  'backfill-reverts': booleanText,
  'backfill-concurrency': numberText,
  deployments: booleanText,
  'deployment-api-token': fc.oneof(fc.constant('hvl_deploy'), anyText),
  environment: fc.oneof(fc.constantFrom('production', 'staging', ' dev '), fc.string({ maxLength: 300 }), anyText),
  image: fc.oneof(word, fc.string({ maxLength: 300 }), anyText),
  'deploy-jobs': listText,
  'backfill-deployments': booleanText,
  repository: fc.oneof(fc.constantFrom('acme/shop', 'acme/payments', 'acme', 'a/b/c', 'acme/..'), anyText)
}

/** Raw inputs as readInputs gives them: any subset, each any text of its kind. */
const wildInputs: fc.Arbitrary<RawInputs> = fc.record(wildInput, { requiredKeys: [] })

/** An instant (whole seconds) in one of the forms a workflow writes, each naming exactly it. */
const timeAs = (ms: number) =>
  fc.oneof(
    fc.constant(new Date(ms).toISOString().replace('.000Z', 'Z')),
    fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }).map(offset => withOffset(new Date(ms), offset)),
    fc.constant(String(ms / 1000)),
    fc.constant(String(ms))
  )
const name = fc.stringMatching(/^[\w.-]{1,30}$/).filter(n => n !== '.' && n !== '..')
const systemName = fc.stringMatching(/^[\w .:/-]{1,40}$/).filter(i => i.trim() !== '')
const cased = (values: readonly string[]) =>
  fc
    .tuple(fc.constantFrom(...values), fc.constantFrom('lower', 'upper', 'padded'))
    .map(([v, c]) => (c === 'upper' ? v.toUpperCase() : c === 'padded' ? ` ${v} ` : v))
const booleanValue = cased(['true', 'false'])

/** reported-time and resolution-time of an incident within the last 30 days, each in a form a workflow writes. */
const validTimes = fc
  .tuple(fc.integer({ min: now.getTime() / 1000 - 86_400 * 30, max: now.getTime() / 1000 }), fc.integer({ min: 0, max: 86_400 * 30 }))
  .chain(([began, lasted]) =>
    fc.record({
      'reported-time': timeAs(began * 1000),
      'resolution-time': fc.oneof(timeAs(Math.min(began + lasted, now.getTime() / 1000) * 1000), fc.constant('now'))
    })
  )

/** The inputs of a valid step, each in a form it accepts. */
const validInputs: fc.Arbitrary<RawInputs> = fc
  .tuple(
    fc.record(
      {
        'api-token': fc.stringMatching(/^[A-Za-z0-9_]{8,64}$/),
        'base-url': fc.constantFrom(
          'https://app.hivel.ai',
          'https://app.hivel.in/',
          'http://127.0.0.1:8080',
          'https://gateway.example/hivel'
        ),
        severity: fc.oneof(cased(SEVERITIES), fc.constantFrom('sev1', 'SEV-2', 'p3', 'P_4', 'blocker')),
        description: fc.string({ maxLength: 600 }),
        'affected-systems': fc
          .array(systemName, { minLength: 1, maxLength: 6 })
          .chain(items => fc.constantFrom(items.join(','), items.join('\n'), JSON.stringify(items))),
        'reported-by': name,
        'provider-id': name,
        'repo-url': fc
          .tuple(name, name, fc.constantFrom('short', 'url', 'git'))
          .map(([owner, repo, form]) =>
            form === 'url' ? `https://github.com/${owner}/${repo}` : `${owner}/${repo}${form === 'git' ? '.git' : ''}`
          ),
        'pr-number': fc
          .tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('', '#', 'https://github.com/acme/shop/pull/'))
          .map(([n, prefix]) => `${prefix}${n}`),
        'github-token': fc.stringMatching(/^ghs_[A-Za-z0-9]{36}$/),
        'auth-header': cased(AUTH_HEADERS),
        'dry-run': booleanValue,
        'fail-on-error': booleanValue,
        'max-attempts': fc.integer({ min: 1, max: 10 }).map(String),
        'timeout-seconds': fc.double({ min: 1, max: 600, noNaN: true }).map(String),
        'retry-on-server-error': booleanValue,
        'incident-label': name,
        'skip-successful-runs': booleanValue
      },
      { requiredKeys: ['severity'] }
    ),
    validTimes
  )
  // Without a token only a dry run is valid.
  .map(([raw, times]) => ({ ...raw, ...times, ...(raw['api-token'] === undefined ? { 'dry-run': 'true' } : {}) }))

/** Inputs as a user writes them: mostly valid, sometimes with one input anything of its kind. */
const userInputs: fc.Arbitrary<RawInputs> = mostly(
  validInputs,
  fc
    .tuple(validInputs, fc.constantFrom(...INPUT_NAMES))
    .chain(([raw, input]) => wildInput[input].map(value => ({ ...raw, [input]: value })))
)

/** Defaults as context gives them when the event says nothing more. */
const defaults: Defaults = {
  resolutionTime: { value: now, source: 'default' },
  repoUrl: { value: `${SERVER_URL}/acme/checkout-service`, source: 'run' },
  reportedBy: { value: 'octocat', source: 'run' },
  prNumber: { value: '44', source: 'GitHub API' }
}

/**
 * Every limit Hivel's API reference gives, checked on a payload as it would be sent: the limits it
 * breaks, so one assertion (jest's are slow at thousands of cases) shows them all.
 */
function brokenHivelLimits(payload: Payload): string[] {
  const broken: string[] = []
  const check = (ok: boolean, limit: string) => void (ok || broken.push(limit))
  for (const field of ['description', 'reported_by', 'provider_id'] as const) {
    check((payload[field]?.length ?? 0) <= FIELD_LIMIT, `${field} within ${FIELD_LIMIT}`)
  }
  for (const field of ['severity', 'repo_url'] as const) {
    check(payload[field].length >= 1 && payload[field].length <= FIELD_LIMIT, `${field} of 1 to ${FIELD_LIMIT}`)
  }
  for (const system of payload.affected_systems ?? []) {
    check(system.length >= 1 && system.length <= FIELD_LIMIT, `each of affected_systems of 1 to ${FIELD_LIMIT}`)
  }
  check(/^[1-9]\d*$/.test(payload.pr_number), 'pr_number a positive number')
  check(ISO_UTC.test(payload.reported_time), 'reported_time ISO 8601 UTC')
  check(ISO_UTC.test(payload.resolution_time), 'resolution_time ISO 8601 UTC')
  const [reported, resolved] = [Date.parse(payload.reported_time), Date.parse(payload.resolution_time)]
  check(resolved >= reported, 'resolution_time at or after reported_time')
  check(resolved <= now.getTime() + FUTURE_TOLERANCE_MS, 'resolution_time not in the future')
  const strings = (v: unknown) => typeof v === 'string' || (Array.isArray(v) && v.every(i => typeof i === 'string'))
  check(Object.values(payload).every(strings), 'every field a string or a list of strings, as JSON sends it')
  return broken
}

describe('properties: the inputs as a whole', () => {
  it('any inputs are parsed or refused with an InputError, never anything else', () => {
    const [parsed, refused] = [reach(), reach()]
    fc.assert(
      fc.property(fc.oneof(userInputs, wildInputs), fc.constantFrom('push', 'issues', 'workflow_dispatch'), (raw, eventName) => {
        parsed.case()
        refused.case()
        if (accepted(() => parseAll(settingsSchema(now, SERVER_URL, eventName), raw))) parsed.reached()
        else refused.reached()
      }),
      { numRuns: 1000 }
    )
    parsed.expectShare(0.3)
    refused.expectShare(0.3)
  })

  it('every accepted set of inputs becomes a payload within Hivel’s limits, or an InputError', () => {
    const built = reach()
    fc.assert(
      fc.property(userInputs, raw => {
        built.case()
        const settings = accepted<Settings>(() => parseAll(settingsSchema(now, SERVER_URL, 'push'), raw))
        if (!settings) return
        const incident = accepted(() => buildIncident(settings, defaults, now))
        if (!incident) return
        built.reached()
        expect(brokenHivelLimits(incident.payload)).toEqual([])
      }),
      { numRuns: 1000, examples: [[{ 'api-token': 't', severity: 'high', 'reported-time': KNOWN_OUT_OF_RANGE[0] }]] }
    )
    built.expectShare(0.6)
  })

  it('the payload schema refuses anything else with an InputError', () => {
    const [parsed, refused] = [reach(), reach()]
    const validDraft = fc.record(
      {
        description: fc.string({ maxLength: 600 }),
        severity: fc.string({ minLength: 1, maxLength: FIELD_LIMIT }),
        affected_systems: fc.array(fc.string({ maxLength: FIELD_LIMIT })),
        reported_time: fc.date({ min: new Date(0), max: now, noInvalidDate: true }),
        resolution_time: fc.constant(now),
        reported_by: fc.string({ maxLength: FIELD_LIMIT }),
        provider_id: fc.string({ maxLength: FIELD_LIMIT }),
        repo_url: fc.webUrl(),
        pr_number: fc.integer({ min: 1 }).map(String)
      },
      { requiredKeys: ['severity', 'reported_time', 'resolution_time', 'repo_url', 'pr_number'] }
    )
    fc.assert(
      fc.property(
        fc.oneof(
          validDraft,
          fc.anything(),
          fc.record({
            severity: fc.anything(),
            reported_time: fc.oneof(fc.date(), fc.anything()),
            resolution_time: fc.date(),
            repo_url: fc.string(),
            pr_number: fc.string()
          })
        ),
        draft => {
          parsed.case()
          refused.case()
          if (accepted(() => parseAll(payloadSchema(now), draft))) parsed.reached()
          else refused.reached()
        }
      ),
      { numRuns: 1000 }
    )
    parsed.expectShare(0.2)
    refused.expectShare(0.5)
  })
})

describe('properties: times', () => {
  it('parseTime never throws, and an accepted time is a real instant', () => {
    const read = reach()
    fc.assert(
      fc.property(timeText, raw => {
        read.case()
        const result = parseTime(raw, now)
        if (!result.ok) return expect(result.problem).toMatch(/\S/)
        read.reached()
        expect(Number.isFinite(result.date.getTime())).toBe(true)
      }),
      { numRuns: 1000 }
    )
    read.expectShare(0.4)
  })

  it('reads ISO 8601 as the instant its fields and offset name, and refuses it without a zone', () => {
    const read = reach()
    fc.assert(
      fc.property(isoFields, fields => {
        read.case()
        const result = parseTime(isoText(fields), now)
        const expected = instantOf(fields)
        if (expected === undefined) return expect(result.ok).toBe(false)
        read.reached()
        expect(result.ok && result.date.getTime()).toBe(expected)
      }),
      {
        numRuns: 2000,
        examples: [
          // The last moment of a leap day, rounded into the next day.
          [{ year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59, fraction: '9995', decimal: '.', separator: 'T', zone: 'Z' }],
          // Half a millisecond over: 0.5005 * 1000 is 500.4999… in floating point.
          [{ year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: '5005', decimal: ',', separator: 'T', zone: 'Z' }],
          // 1900 has no leap day; year 0000 has one, though Date.UTC reads year 0 as 1900.
          [{ year: 1900, month: 2, day: 29, hour: 0, minute: 0, second: 0, fraction: null, decimal: '.', separator: 'T', zone: 'Z' }],
          [{ year: 0, month: 2, day: 29, hour: 12, minute: 0, second: null, fraction: null, decimal: '.', separator: 'T', zone: 'Z' }],
          // A wall time in year 0000 whose offset puts the instant in year -0001.
          [
            {
              year: 0,
              month: 1,
              day: 1,
              hour: 0,
              minute: 30,
              second: null,
              fraction: null,
              decimal: '.',
              separator: 'T',
              zone: { sign: '+', hours: 1, minutes: 0, form: ':' }
            }
          ]
        ]
      }
    )
    read.expectShare(0.5)
  })

  it('reads any instant written with an offset back exactly', () => {
    const read = reach()
    fc.assert(
      fc.property(zonedTime, ([text, date]) => {
        read.case()
        const result = parseTime(text, now)
        if (date.toISOString().match(ISO_UTC)) expect(result.ok).toBe(true)
        if (!result.ok) return
        read.reached()
        expect(result.date).toEqual(date)
      }),
      { numRuns: 1000 }
    )
    read.expectShare(0.8)
  })

  it('every accepted time is written as ISO 8601 UTC with a four-digit year', () => {
    const written = reach()
    fc.assert(
      fc.property(timeText, raw => {
        written.case()
        const result = parseTime(raw, now)
        if (!result.ok) return
        written.reached()
        expect(toIsoUtc(result.date)).toMatch(ISO_UTC)
      }),
      { numRuns: 2000, examples: KNOWN_OUT_OF_RANGE.map(raw => [raw]) }
    )
    written.expectShare(0.4)
  })
})

describe('properties: lists, pull requests, severities, lengths', () => {
  it('parseList never throws; its items are trimmed, not blank, and not repeated', () => {
    const listed = reach()
    fc.assert(
      fc.property(listText, raw => {
        listed.case()
        const items = parseList(raw)
        if (!items?.length) return
        listed.reached()
        expect(new Set(items).size).toBe(items.length)
        for (const item of items) expect(item).toBe(item.trim())
        for (const item of items) expect(item).not.toBe('')
      }),
      { numRuns: 500 }
    )
    listed.expectShare(0.5)
  })

  it('parseList reads back a list written with commas, newlines or as JSON', () => {
    const item = fc
      .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 })
      .filter(s => !/[,\n]/.test(s) && s.trim() !== '' && !s.trim().startsWith('['))
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), items => {
        const expected = [...new Set(items.map(i => i.trim()))]
        expect(parseList(items.join(','))).toEqual(expected)
        expect(parseList(items.join('\n'))).toEqual(expected)
        expect(parseList(JSON.stringify(items))).toEqual(expected)
      })
    )
  })

  it('parsePrNumber never throws, and gives only a positive safe integer as digits', () => {
    const read = reach()
    fc.assert(
      fc.property(prText, raw => {
        read.case()
        const pr = parsePrNumber(raw)
        if (pr === undefined) return
        read.reached()
        expect(pr).toMatch(/^[1-9]\d*$/)
        expect(Number.isSafeInteger(Number(pr))).toBe(true)
      }),
      { numRuns: 500 }
    )
    read.expectShare(0.4)
  })

  it('parsePrNumber reads 44, #44 and a pull request URL alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), n => {
        for (const form of [String(n), `#${n}`, `https://github.com/acme/shop/pull/${n}`, `https://github.com/acme/shop/pull/${n}/files`]) {
          expect(parsePrNumber(form)).toBe(String(n))
        }
      })
    )
  })

  it("normalizeSeverity never throws, never lengthens past a level's name, and is stable", () => {
    fc.assert(
      fc.property(severityText, raw => {
        const severity = normalizeSeverity(raw)
        // Only an alias grows, and only to a level's name.
        expect(severity.length).toBeLessThanOrEqual(Math.max(raw.trim().length, 'critical'.length))
        expect(normalizeSeverity(severity)).toBe(severity)
      })
    )
  })

  const aliases = Object.entries(SEVERITY_WORD_ALIASES)
  /** A word written in some mix of cases. */
  const cased = (word: string, upper: boolean[]) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')

  it('maps crit, hi, med, major and minor alike in the input, a severity label and an issue body line, in any case', () => {
    fc.assert(
      fc.property(fc.constantFrom(...aliases), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), ([alias, level], upper) => {
        const word = cased(alias, upper)
        expect(normalizeSeverity(` ${word} `)).toBe(level)
        expect(severityProblem(word)).toBeUndefined()
        expect(severityFromLabels([`severity: ${word}`])).toBe(level)
        expect(severityFromBody(`Checkout down.\n\nSeverity: ${word}`)).toBe(level)
        expect(severityFromBody(`### Severity\n\n${word} - checkout down`)).toBe(level)
      })
    )
  })

  it('maps no other word to a level, and takes no word near an alias ("h", "ho", "mid") for a misspelling of it', () => {
    const near = reach()
    // Short words of the aliases' letters, where a slip of one would be.
    const word = fc.string({ unit: fc.constantFrom(...'hiomedcrtajnw'), minLength: 1, maxLength: 6 })
    fc.assert(
      fc.property(word, raw => {
        near.case()
        const lower = raw.toLowerCase()
        const known = (SEVERITIES as readonly string[]).includes(lower) || Object.hasOwn(SEVERITY_WORD_ALIASES, lower)
        if (!known) expect(normalizeSeverity(raw)).toBe(raw)
        const problem = severityProblem(raw)
        if (problem) expect(problem).not.toMatch(new RegExp(`did you mean .*\\b(${Object.keys(SEVERITY_WORD_ALIASES).join('|')})\\b`))
        if (!known && aliases.some(([alias]) => alias !== lower && alias.startsWith(lower.slice(0, 2)))) near.reached()
      }),
      { numRuns: 2000, examples: [['h'], ['ho'], ['mid'], ['hii'], ['cri']] }
    )
    near.expectShare(0.02)
    for (const word of ['h', 'ho', 'mid', 'mayor']) expect(severityProblem(word)).toBeUndefined()
  })

  it('normalizeSeverity sends the four levels lower-case, in any case', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEVERITIES), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (level, upper) => {
        const mixed = [...level].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')
        expect(normalizeSeverity(` ${mixed} `)).toBe(level)
      })
    )
  })

  it('truncate keeps text within the limit, as a prefix ending in an ellipsis, never splitting a character', () => {
    const cut = reach()
    const unit = fc.oneof(fc.constant('😀'), fc.string({ unit: 'grapheme', maxLength: 1 }))
    fc.assert(
      fc.property(
        // Mostly text a little longer than the limit, where the cut falls.
        fc.integer({ min: 2, max: 300 }).chain(limit => {
          const text = mostly(fc.string({ unit, minLength: limit - 1, maxLength: limit + 20 }), fc.string({ unit, maxLength: 400 }))
          return fc.tuple(text, fc.constant(limit))
        }),
        ([text, limit]) => {
          cut.case()
          const out = truncate(text, limit)
          expect(out.length).toBeLessThanOrEqual(limit)
          if (text.length <= limit) return expect(out).toBe(text)
          cut.reached()
          expect(out.endsWith('…')).toBe(true)
          expect(text.startsWith(out.slice(0, -1))).toBe(true)
          expect(out).not.toMatch(/[\uD800-\uDBFF]…$/)
        }
      ),
      { numRuns: 500 }
    )
    cut.expectShare(0.6)
  })
})
