import { describe, expect, it } from '@jest/globals'
import { InputError, normalizeSeverity, parseAll, parseList, parsePrNumber, settingsSchema } from '../src/schema.js'

const now = new Date('2026-11-26T10:00:00Z')
const parse = (raw: Record<string, string>) => parseAll(settingsSchema(now, 'https://github.com', 'issues'), { 'api-token': 't', ...raw })
const problems = (raw: Record<string, string | undefined>, eventName = 'issues'): string[] => {
  try {
    parseAll(settingsSchema(now, 'https://github.com', eventName), raw)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  return []
}

describe('schema.ts: defaults', () => {
  it('fills every optional setting with its documented default', () => {
    expect(parse({})).toEqual({
      'api-token': 't',
      'base-url': 'https://app.hivel.ai',
      'auth-header': 'both',
      'dry-run': false,
      'fail-on-error': true,
      'max-attempts': 4,
      'timeout-seconds': 30,
      'retry-on-server-error': false,
      'incident-label': 'incident',
      'skip-successful-runs': true
    })
  })
})

describe('schema.ts: severity', () => {
  it.each([
    ['HIGH', 'high'],
    [' Critical ', 'critical'],
    ['low', 'low'],
    ['Medium', 'medium'],
    ['sev1', 'critical'],
    ['SEV-1', 'critical'],
    ['p0', 'critical'],
    ['P1', 'critical'],
    ['sev2', 'high'],
    ['p2', 'high'],
    ['sev3', 'medium'],
    ['P3', 'medium'],
    ['sev4', 'low'],
    ['p4', 'low'],
    ['sev5', 'low'],
    ['p5', 'low'],
    ['Major outage', 'Major outage']
  ])('%s is sent as %s', (raw, sent) => {
    expect(normalizeSeverity(raw)).toBe(sent)
    expect(parse({ severity: raw }).severity).toBe(sent)
  })

  it('refuses a severity over 255 characters', () => {
    expect(problems({ 'api-token': 't', severity: 'x'.repeat(256) })).toEqual([
      "Input 'severity' is 256 characters long; Hivel accepts at most 255"
    ])
  })
})

describe('schema.ts: lists', () => {
  it.each([
    ['database, api-gateway', ['database', 'api-gateway']],
    ['database\napi-gateway\n\n', ['database', 'api-gateway']],
    ['a, b, a, , c', ['a', 'b', 'c']],
    ['["database", "api"]', ['database', 'api']],
    ['[" x ", "x", 3]', ['x', '3']]
  ])('%j becomes %j', (raw, list) => {
    expect(parseList(raw)).toEqual(list)
  })

  it('refuses a broken JSON array and an item over 255 characters', () => {
    expect(problems({ 'api-token': 't', 'affected-systems': '["a", ' })[0]).toMatch(/^Input 'affected-systems' is not a list\. Accepted: /)
    expect(problems({ 'api-token': 't', 'affected-systems': `ok, ${'y'.repeat(300)}` })[0]).toMatch(
      /^Input 'affected-systems' has an item of 300 characters .*at most 255 per item$/
    )
  })
})

describe('schema.ts: pull request numbers', () => {
  it.each([
    ['44', '44'],
    ['#44', '44'],
    [' 044 ', '44'],
    ['https://github.com/acme/shop/pull/44', '44'],
    ['https://github.example.com/acme/shop/pull/44/files', '44'],
    ['https://gitlab.example.com/acme/shop/-/pulls/7', '7']
  ])('%s becomes "%s"', (raw, pr) => {
    expect(parsePrNumber(raw)).toBe(pr)
  })

  it.each(['0', '-3', '4.5', 'abc', '#', 'https://github.com/acme/shop/issues/44', '99999999999999999999'])('refuses %s', raw => {
    expect(parsePrNumber(raw)).toBeUndefined()
    expect(problems({ 'api-token': 't', 'pr-number': raw })[0]).toMatch(
      /^Input 'pr-number' .* Accepted: a positive number \(44\), #44, or the pull request's URL$/
    )
  })
})

describe('schema.ts: repository URL', () => {
  it.each([
    ['acme/shop', 'https://github.com/acme/shop'],
    ['https://github.com/acme/shop.git', 'https://github.com/acme/shop'],
    ['https://github.com/acme/shop/', 'https://github.com/acme/shop'],
    ['https://ghe.example.com/acme/shop', 'https://ghe.example.com/acme/shop']
  ])('%s becomes %s', (raw, url) => {
    expect(parse({ 'repo-url': raw })['repo-url']).toBe(url)
  })

  it('refuses something that is not a repository', () => {
    expect(problems({ 'api-token': 't', 'repo-url': 'just-a-name' })[0]).toMatch(
      /^Input 'repo-url' "just-a-name" is not a repository\. Accepted: owner\/repo/
    )
  })
})

describe('schema.ts: base URL', () => {
  it.each([
    ['https://app.hivel.in/', 'https://app.hivel.in'],
    ['https://gateway.example.com/hivel/', 'https://gateway.example.com/hivel'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000']
  ])('accepts %s as %s', (raw, url) => {
    expect(parse({ 'base-url': raw })['base-url']).toBe(url)
  })

  it.each([
    ['http://app.hivel.ai', 'plain http for a host that is not loopback'],
    ['http://10.0.0.5', 'plain http for a host that is not loopback'],
    ['ftp://app.hivel.ai', 'not https'],
    ['https://user:pass@app.hivel.ai', 'contains credentials'],
    ['https://app.hivel.ai/?token=x', 'has a query or fragment'],
    ['app.hivel.ai', 'is not a URL']
  ])('refuses %s: %s', (raw, problem) => {
    const [message] = problems({ 'api-token': 't', 'base-url': raw })
    expect(message).toContain(problem)
    expect(message).toMatch(/^Input 'base-url' .*Accepted: https:\/\/app\.hivel\.ai/)
    expect(message).not.toContain('pass@')
  })
})

describe('schema.ts: switches and numbers', () => {
  it('reads booleans in any case and refuses anything else', () => {
    expect(parse({ 'dry-run': 'TRUE', 'fail-on-error': 'False' })).toMatchObject({ 'dry-run': true, 'fail-on-error': false })
    expect(problems({ 'api-token': 't', 'dry-run': 'yes' })).toEqual(['Input \'dry-run\' "yes" is not a boolean. Accepted: true or false'])
  })

  it('accepts auth-header modes in any case', () => {
    expect(parse({ 'auth-header': 'X-API-Token' })['auth-header']).toBe('x-api-token')
    expect(problems({ 'api-token': 't', 'auth-header': 'basic' })).toEqual([
      'Input \'auth-header\' "basic" is not accepted. Accepted: both, authorization, x-api-token, bearer'
    ])
  })

  it('bounds max-attempts and timeout-seconds', () => {
    expect(parse({ 'max-attempts': '1', 'timeout-seconds': '2.5' })).toMatchObject({ 'max-attempts': 1, 'timeout-seconds': 2.5 })
    expect(problems({ 'api-token': 't', 'max-attempts': '11', 'timeout-seconds': '0' })).toEqual([
      'Input \'max-attempts\' "11" is not accepted. Accepted: a whole number from 1 to 10',
      'Input \'timeout-seconds\' "0" is not accepted. Accepted: a number from 1 to 600'
    ])
    expect(problems({ 'api-token': 't', 'max-attempts': '2.5' })).toHaveLength(1)
  })
})

describe('schema.ts: severity is required', () => {
  it('everywhere but an issues event, whose labels can give it', () => {
    expect(problems({ 'api-token': 't' }, 'push')).toEqual([
      "Input 'severity' is required: set severity to low, medium, high or critical (or an alias such as sev1 or p2)"
    ])
    expect(problems({ 'api-token': 't' }, 'issues')).toEqual([])
  })
})

describe('schema.ts: the token', () => {
  it('is required unless dry-run', () => {
    expect(problems({})).toEqual([
      "Input 'api-token' is required: pass api-token: ${{ secrets.HIVEL_API_TOKEN }} or set the HIVEL_API_TOKEN environment variable (only a dry-run needs none)"
    ])
    expect(problems({ 'dry-run': 'true' })).toEqual([])
  })
})

describe('schema.ts: hostile input', () => {
  it('refuses NUL, broken UTF-8 and inputs over 64 KiB, naming each input', () => {
    expect(
      problems({ 'api-token': 't', description: 'a\0b', 'reported-by': 'bad \uFFFD text', 'provider-id': 'p'.repeat(70_000) })
    ).toEqual([
      "Input 'description' contains a NUL character; only text is accepted",
      "Input 'reported-by' is not valid UTF-8 text",
      "Input 'provider-id' is 70000 characters long; at most 65536 are accepted"
    ])
  })
})

describe('schema.ts: every problem at once', () => {
  it('lists all bad inputs in one error, in input order', () => {
    const list = problems(
      { 'reported-time': '2024-08-01T10:00', 'pr-number': 'abc', 'base-url': 'http://example.com', 'max-attempts': '0' },
      'push'
    )
    // Each input's own rules first, then what is missing.
    expect(list.map(p => /^Input '([^']+)'/.exec(p)?.[1])).toEqual([
      'base-url',
      'reported-time',
      'pr-number',
      'max-attempts',
      'api-token',
      'severity'
    ])
    expect(list[5]).toBe("Input 'severity' is required: set severity to low, medium, high or critical (or an alias such as sev1 or p2)")
    expect(list[1]).toBe(
      'Input \'reported-time\' "2024-08-01T10:00" has no time zone (add Z for UTC, or an offset such as +05:30). Accepted: ISO 8601 with Z or an offset (2024-08-01T12:34:56Z, 2024-08-01T18:04:56+05:30), epoch seconds, epoch milliseconds, or now'
    )
  })
})

describe('schema.ts: hostile list items and long shorthands', () => {
  it('refuses a NUL spelled inside a JSON list', () => {
    expect(problems({ 'api-token': 't', 'affected-systems': '["a\\u0000b"]' })).toEqual([
      "Input 'affected-systems' has an item that contains a NUL character; only text is accepted"
    ])
  })

  it('refuses an owner/repo that makes a URL over 255 characters, in words', () => {
    expect(problems({ 'api-token': 't', 'repo-url': `acme/${'r'.repeat(240)}` })).toEqual([
      "Input 'repo-url' becomes 264 characters long as a URL; Hivel accepts at most 255"
    ])
  })
})
