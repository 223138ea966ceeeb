/**
 * Properties of input parsing, checked with fast-check over generated inputs: no input makes a
 * parser throw anything but a validation error (InputError), and whatever is accepted becomes a
 * payload within Hivel's limits.
 */
import { describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'
import * as core from '../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { buildIncident } = await import('../src/incident.js')
const {
  FIELD_LIMIT,
  INPUT_LIMIT,
  InputError,
  normalizeSeverity,
  parseAll,
  parseList,
  parsePrNumber,
  payloadSchema,
  SEVERITIES,
  settingsSchema
} = await import('../src/schema.js')
const { truncate } = await import('../src/text.js')
const { parseTime, toIsoUtc } = await import('../src/time.js')
type Settings = import('../src/schema.js').Settings
type Payload = import('../src/incident.js').Payload
type Defaults = import('../src/context.js').Defaults

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

// Generators: each input's plausible forms, near misses, and anything at all.
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom('', ' ', '\0', '\uFFFD', 'x'.repeat(INPUT_LIMIT + 1), '[', '[]', 'null', '::set-output name=x::y', '${{ secrets.X }}')
)
const pad = (n: number, width: number) => String(n).padStart(width, '0')
const isoTime = fc
  .record({
    year: fc.oneof(fc.integer({ min: 2020, max: 2027 }), fc.integer({ min: 0, max: 9999 })),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.option(fc.integer({ min: 0, max: 60 })),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/)),
    separator: fc.constantFrom('T', 't', ' '),
    zone: fc.oneof(
      fc.constantFrom('', 'Z', 'z', ' Z'),
      fc
        .tuple(
          fc.constantFrom('+', '-'),
          fc.integer({ min: 0, max: 25 }),
          fc.integer({ min: 0, max: 61 }),
          fc.constantFrom(':', '', 'hours')
        )
        .map(([sign, h, m, form]) => `${sign}${pad(h, 2)}${form === 'hours' ? '' : `${form}${pad(m, 2)}`}`)
    )
  })
  .map(
    t =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}${t.separator}${pad(t.hour, 2)}:${pad(t.minute, 2)}` +
      `${t.second === null ? '' : `:${pad(t.second, 2)}${t.fraction === null ? '' : `.${t.fraction}`}`}${t.zone}`
  )
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
  .map(([date, offset]): [string, Date] => {
    const wall = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, -1)
    const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60), 2)}:${pad(Math.abs(offset) % 60, 2)}`
    return [`${wall}${zone}`, date]
  })
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
const prText = fc.oneof(
  fc
    .oneof(fc.integer({ min: -5, max: 100_000 }), fc.constant(Number.MAX_SAFE_INTEGER + 2))
    .chain(n =>
      fc.constantFrom(
        String(n),
        `#${n}`,
        ` ${n} `,
        `https://github.com/acme/shop/pull/${n}`,
        `https://ghe.example/acme/shop/pulls/${n}/files?x=1#y`,
        `http://x/pull/${n}x`
      )
    ),
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

/** Raw inputs as readInputs gives them: any subset, each any text of its kind. */
const rawInputs = fc.record(
  {
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
    'retry-on-server-error': booleanText,
    'incident-label': fc.oneof(word, anyText),
    'skip-successful-runs': booleanText
  },
  { requiredKeys: [] }
)

/** Defaults as context gives them when the event says nothing more. */
const defaults: Defaults = {
  resolutionTime: { value: now, source: 'default' },
  repoUrl: { value: `${SERVER_URL}/acme/checkout-service`, source: 'run' },
  reportedBy: { value: 'octocat', source: 'run' },
  prNumber: { value: '44', source: 'GitHub API' }
}

/** Every limit Hivel's API reference gives, checked on a payload as it would be sent. */
function expectWithinHivelLimits(payload: Payload) {
  for (const field of ['description', 'reported_by', 'provider_id'] as const) {
    if (payload[field] !== undefined) expect(payload[field].length).toBeLessThanOrEqual(FIELD_LIMIT)
  }
  for (const field of ['severity', 'repo_url'] as const) {
    expect(payload[field].length).toBeGreaterThanOrEqual(1)
    expect(payload[field].length).toBeLessThanOrEqual(FIELD_LIMIT)
  }
  for (const system of payload.affected_systems ?? []) {
    expect(system.length).toBeGreaterThanOrEqual(1)
    expect(system.length).toBeLessThanOrEqual(FIELD_LIMIT)
  }
  expect(payload.pr_number).toMatch(/^[1-9]\d*$/)
  expect(payload.reported_time).toMatch(ISO_UTC)
  expect(payload.resolution_time).toMatch(ISO_UTC)
  const [reported, resolved] = [Date.parse(payload.reported_time), Date.parse(payload.resolution_time)]
  expect(resolved).toBeGreaterThanOrEqual(reported)
  expect(resolved).toBeLessThanOrEqual(now.getTime() + FUTURE_TOLERANCE_MS)
  expect(JSON.parse(JSON.stringify(payload))).toEqual(payload)
}

describe('properties: the inputs as a whole', () => {
  it('any inputs are parsed or refused with an InputError, never anything else', () => {
    fc.assert(
      fc.property(rawInputs, fc.constantFrom('push', 'issues', 'workflow_dispatch'), (raw, eventName) => {
        accepted(() => parseAll(settingsSchema(now, SERVER_URL, eventName), raw))
      }),
      { numRuns: 500 }
    )
  })

  it('every accepted set of inputs becomes a payload within Hivel’s limits, or an InputError', () => {
    fc.assert(
      fc.property(rawInputs, raw => {
        const settings = accepted<Settings>(() => parseAll(settingsSchema(now, SERVER_URL, 'push'), raw))
        if (!settings) return
        const built = accepted(() => buildIncident(settings, defaults, now))
        if (built) expectWithinHivelLimits(built.payload)
      }),
      { numRuns: 500, examples: [[{ 'api-token': 't', severity: 'high', 'reported-time': KNOWN_OUT_OF_RANGE[0] }]] }
    )
  })

  it('the payload schema refuses anything else with an InputError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
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
          accepted(() => parseAll(payloadSchema(now), draft))
        }
      )
    )
  })
})

describe('properties: times', () => {
  it('parseTime never throws, and an accepted time is a real instant', () => {
    fc.assert(
      fc.property(timeText, raw => {
        const result = parseTime(raw, now)
        if (result.ok) expect(Number.isFinite(result.date.getTime())).toBe(true)
        else expect(result.problem).toMatch(/\S/)
      }),
      { numRuns: 1000 }
    )
  })

  it('reads ISO 8601 as the instant it names, and refuses one without a zone', () => {
    fc.assert(
      fc.property(isoTime, raw => {
        const result = parseTime(raw, now)
        const zone = /(Z|z|[+-]\d{2}(?::?\d{2})?)$/.exec(raw.trim())
        if (!zone) return expect(result.ok).toBe(false)
        if (!result.ok) return
        // Reading the same text back after toIsoUtc gives the same instant.
        expect(Date.parse(result.date.toISOString())).toBe(result.date.getTime())
      }),
      { numRuns: 1000 }
    )
  })

  it('reads any instant written with an offset back exactly', () => {
    fc.assert(
      fc.property(zonedTime, ([text, date]) => {
        const result = parseTime(text, now)
        if (result.ok) expect(result.date).toEqual(date)
        if (date.toISOString().match(ISO_UTC)) expect(result.ok).toBe(true)
      }),
      { numRuns: 1000 }
    )
  })

  it('every accepted time is written as ISO 8601 UTC with a four-digit year', () => {
    fc.assert(
      fc.property(timeText, raw => {
        const result = parseTime(raw, now)
        if (result.ok) expect(toIsoUtc(result.date)).toMatch(ISO_UTC)
      }),
      { numRuns: 2000, examples: KNOWN_OUT_OF_RANGE.map(raw => [raw]) }
    )
  })
})

describe('properties: lists, pull requests, severities, lengths', () => {
  it('parseList never throws; its items are trimmed, not blank, and not repeated', () => {
    fc.assert(
      fc.property(listText, raw => {
        const items = parseList(raw)
        if (!items) return
        expect(new Set(items).size).toBe(items.length)
        for (const item of items) expect(item).toBe(item.trim())
        for (const item of items) expect(item).not.toBe('')
      })
    )
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
    fc.assert(
      fc.property(prText, raw => {
        const pr = parsePrNumber(raw)
        if (pr === undefined) return
        expect(pr).toMatch(/^[1-9]\d*$/)
        expect(Number.isSafeInteger(Number(pr))).toBe(true)
      })
    )
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

  it('normalizeSeverity sends the four levels lower-case, in any case', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEVERITIES), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (level, upper) => {
        const mixed = [...level].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')
        expect(normalizeSeverity(` ${mixed} `)).toBe(level)
      })
    )
  })

  it('truncate keeps text within the limit, as a prefix ending in an ellipsis, never splitting a character', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.oneof(fc.constant('😀'), fc.string({ unit: 'grapheme', maxLength: 1 })), maxLength: 400 }),
        fc.integer({ min: 2, max: 300 }),
        (text, limit) => {
          const out = truncate(text, limit)
          expect(out.length).toBeLessThanOrEqual(limit)
          if (text.length <= limit) return expect(out).toBe(text)
          expect(out.endsWith('…')).toBe(true)
          expect(text.startsWith(out.slice(0, -1))).toBe(true)
          expect(out).not.toMatch(/[\uD800-\uDBFF]…$/)
        }
      )
    )
  })
})
