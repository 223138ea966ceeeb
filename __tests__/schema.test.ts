import { afterEach, describe, expect, it } from '@jest/globals'
import {
  editDistance,
  InputError,
  normalizeSeverity,
  parseAll,
  parseList,
  parsePrNumber,
  settingsSchema,
  severityProblem,
  withoutSchemeWord
} from '../src/schema.js'

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
      'retry-when-unsure': false,
      'incident-label': 'incident',
      'file-on': 'recovery',
      'look-back': { runs: 100, days: 90, text: '100 runs or 90 days' },
      record: true,
      comment: true,
      'rate-limit-wait-seconds': 300,
      'backfill-issues': true,
      'backfill-reverts': true,
      'backfill-concurrency': 4,
      deployments: false,
      'backfill-deployments': false
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
    ['crit', 'critical'],
    ['Hi', 'high'],
    [' MED ', 'medium'],
    ['major', 'high'],
    ['Minor', 'low'],
    ['ho', 'ho'],
    ['mid', 'mid'],
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

describe('schema.ts: a misspelt severity', () => {
  it('is an input error that says which word was meant', () => {
    expect(problems({ 'api-token': 't', severity: 'hgih' })).toEqual([
      'Input \'severity\' "hgih" looks like a misspelt severity: did you mean high? Accepted: low, medium, high or critical (or an alias such as sev1 or p2); a word not close to these is sent as given'
    ])
  })

  it.each([
    ['hgih', 'high'],
    ['Hihg', 'high'],
    ['lwo', 'low'],
    ['lo', 'low'],
    ['meduim', 'medium'],
    ['mediun', 'medium'],
    ['crtical', 'critical'],
    ['crtcal', 'critical'],
    ['critical!', 'critical'],
    ['sve1', 'sev1'],
    ['sev-7', 'sev0, sev1, sev2, sev3, sev4 or sev5'],
    ['p6', 'p0, p1, p2, p3, p4 or p5']
  ])('%s: did you mean %s?', (word, meant) => {
    expect(severityProblem(word)).toBe(`"${word}" looks like a misspelt severity: did you mean ${meant}?`)
  })

  // One edit for words under four letters, two from four on: "hgi" (3 letters, 2 edits) is a word of its own.
  it.each(['hgi', 'hi', 'crit', 'med', 'Major outage', 'blocker', 'urgent', 'minor', 'needs-triage', 'high', 'SEV-1', 'P3'])(
    '%s is not a misspelling',
    word => {
      expect(severityProblem(word)).toBeUndefined()
      expect(problems({ 'api-token': 't', severity: word })).toEqual([])
    }
  )

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('hgih', 'high')).toBe(1)
    expect(editDistance('hgi', 'high')).toBe(2)
    expect(editDistance('crtcal', 'critical')).toBe(2)
    expect(editDistance('', 'low')).toBe(3)
    expect(editDistance('sev1', 'sev1')).toBe(0)
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

  it('echoes a URL that does not parse, without what precedes its @', () => {
    expect(problems({ 'api-token': 't', 'base-url': 'app.hivel.ai' })[0]).toMatch(/^Input 'base-url' "app\.hivel\.ai" is not a URL\. /)
    for (const raw of ['https://alice:hunter2@app.hivel.ai:port', 'https://alice:hun/ter2@app.hivel.ai', 'https://alice:hunter2@']) {
      const [message] = problems({ 'api-token': 't', 'base-url': raw })
      expect(message).toMatch(/^Input 'base-url' "https:\/\/\*\*\*@(app\.hivel\.ai)?(:port)?" is not a URL\. /)
      expect(message).not.toMatch(/alice|hunter2|ter2/)
    }
  })

  it('never echoes what precedes an @ in a URL that parses oddly', () => {
    // Without https://, "alice:" reads as the scheme and the password as a path.
    const [message] = problems({ 'api-token': 't', 'base-url': 'alice:hunter2@app.hivel.ai' })
    expect(message).toMatch(/^Input 'base-url' "alice:\/\/\*\*\*@app\.hivel\.ai" uses alice:, which is not https\. /)
    expect(message).not.toContain('hunter2')
  })

  it('refuses credentials without repeating them', () => {
    const [message] = problems({ 'api-token': 't', 'base-url': 'https://alice:hunter2@app.hivel.ai' })
    expect(message).toMatch(/^Input 'base-url' "https:\/\/app\.hivel\.ai\/" contains credentials \(not shown\); remove them/)
    expect(message).not.toMatch(/alice|hunter2/)
  })
})

describe('schema.ts: plain http only straight to this machine', () => {
  const saved = { ...process.env }
  afterEach(() => {
    for (const name of ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
  })

  it.each(['http://localhost:8080', 'http://127.0.0.1:8080', 'http://127.1.2.3', 'http://[::1]:3000', 'http://[0:0:0:0:0:0:0:1]'])(
    'accepts %s even with HTTP_PROXY set, as http-client never proxies it',
    raw => {
      process.env.HTTP_PROXY = 'http://proxy.example.com:3128'
      expect(parse({ 'base-url': raw })['base-url']).toBe(raw.replace('[0:0:0:0:0:0:0:1]', '[::1]'))
    }
  )

  it.each([
    [{}],
    [{ HTTP_PROXY: 'http://proxy.example.com:3128' }],
    [{ HTTP_PROXY: 'http://proxy.example.com:3128', NO_PROXY: 'localhost' }]
  ])('refuses a name under .localhost, which can be proxied or resolve elsewhere (%j)', env => {
    Object.assign(process.env, env)
    expect(problems({ 'api-token': 't', 'base-url': 'http://hivel.localhost:8080' })).toEqual([
      expect.stringMatching(
        /^Input 'base-url' "http:\/\/hivel\.localhost:8080\/" uses plain http for a host that is not loopback, which would expose the token \(hivel\.localhost is a name, which a proxy or DNS can send elsewhere: use localhost or 127\.0\.0\.1\)\. Accepted: /
      )
    ])
  })
})

describe('schema.ts: the endpoint pasted as base-url', () => {
  it.each([
    ['https://app.hivel.ai/api/hooks/v1/incident', '/api/hooks/v1/incident', 'https://app.hivel.ai'],
    ['https://app.hivel.in/api/hooks/v1/incident/', '/api/hooks/v1/incident', 'https://app.hivel.in'],
    ['https://app.hivel.ai/API/Hooks/v1', '/api/hooks/v1', 'https://app.hivel.ai'],
    ['https://gateway.example.com/hivel/api/hooks/v1/incident', '/api/hooks/v1/incident', 'https://gateway.example.com/hivel']
  ])('refuses %s, saying to remove %s', (raw, pasted, meant) => {
    expect(problems({ 'api-token': 't', 'base-url': raw })).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Input 'base-url' ".*" ends in ${pasted}, but the action adds /api/hooks/v1/incident itself; remove it: base-url: ${meant.replace(/\./g, '\\.')}\\. Accepted: `
        )
      )
    ])
  })

  it("names Hivel's old endpoint as such", () => {
    expect(problems({ 'api-token': 't', 'base-url': 'https://app.hivel.ai/hivelapi/v1/incident' })[0]).toContain(
      "ends in Hivel's old endpoint /hivelapi/v1/incident, but the action adds /api/hooks/v1/incident itself; remove it: base-url: https://app.hivel.ai."
    )
  })

  it.each(['https://gateway.example.com/hivel', 'https://gateway.example.com/api', 'https://gateway.example.com/api/hooks/v2'])(
    "accepts a gateway's own path %s",
    raw => {
      expect(parse({ 'base-url': raw })['base-url']).toBe(raw)
    }
  )
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

  it.each([
    ['a line break', 'hvl_abc\nhvl_def'],
    ['a line break', 'hvl_abc\r\nhvl_def'],
    ['a control character', 'hvl_abc\u0007def'],
    ['a control character', 'hvl_abc\u007fdef'],
    ['a character outside Latin-1 (such as an emoji or a letter from another script)', 'hvl_abc€def'],
    ['a character outside Latin-1 (such as an emoji or a letter from another script)', 'hvl_abc😀def']
  ])('refuses a token with %s, without showing it', (what, token) => {
    expect(problems({ 'api-token': token })).toEqual([
      `Input 'api-token' contains ${what}, which an HTTP header cannot carry; check that the secret holds the token alone, as Hivel shows it (the token is not shown here)`
    ])
  })

  it('accepts what a header can carry: tabs, spaces and Latin-1 inside, padding around', () => {
    expect(parse({ 'api-token': ' hvl_a\tb c_ø \n' })['api-token']).toBe('hvl_a\tb c_ø')
  })

  it.each([
    ['Bearer hvl_abc', 'hvl_abc'],
    ['bearer   hvl_abc', 'hvl_abc'],
    ['BEARER\thvl_abc', 'hvl_abc'],
    ['token hvl_abc', 'hvl_abc'],
    ['Token hvl_abc ', 'hvl_abc'],
    ['Bearer', 'Bearer'],
    ['Bearerhvl_abc', 'Bearerhvl_abc'],
    ['tokenhvl_abc', 'tokenhvl_abc'],
    ['hvl_abc Bearer', 'hvl_abc Bearer']
  ])('sends %j as %j: a scheme word pasted with the token is removed', (raw, token) => {
    expect(withoutSchemeWord(raw)).toBe(token)
    expect(parse({ 'api-token': raw })['api-token']).toBe(token)
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
      'Input \'reported-time\' "2024-08-01T10:00" has no time zone (add Z for UTC, or an offset such as +05:30). Accepted: ISO 8601 with Z or an offset (2024-08-01T12:34:56Z, 2024-08-01T18:04:56+05:30), a date (2024-08-01, read as midnight UTC), epoch seconds, epoch milliseconds, or now'
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
