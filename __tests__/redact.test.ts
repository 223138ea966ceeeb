/** redact.ts: text from Hivel or an input, made safe for the log. */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { TOKEN } from '../__fixtures__/action.js'
import { clean, SHOWN_BODY_LIMIT, withoutCredentials } from '../src/redact.js'

describe('redact.ts: the token', () => {
  it('is removed wherever it appears, however often', () => {
    expect(clean(`{"error":"token ${TOKEN} invalid","echo":"${TOKEN}"}`, [TOKEN])).toBe('{"error":"token *** invalid","echo":"***"}')
  })

  it('is removed even when a control character splits it', () => {
    const split = `${TOKEN.slice(0, 5)}\u0007${TOKEN.slice(5, 9)}\r${TOKEN.slice(9)}`
    expect(clean(`echo: ${split}`, [TOKEN])).toBe('echo: ***')
  })

  it('is removed even when it contains "::"', () => {
    expect(clean('got a::b back', ['a::b'])).toBe('got *** back')
  })

  it('ignores secrets that are not set', () => {
    expect(clean('plain text', [undefined, ''])).toBe('plain text')
  })

  it('never survives, whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (before, after) => {
        expect(clean(`${before}${TOKEN}${after}`, [TOKEN], 100_000)).not.toContain(TOKEN)
      })
    )
  })
})

describe('redact.ts: workflow commands and control characters', () => {
  it('puts the text on one line, so nothing can start a line of its own', () => {
    expect(clean('bad\n::set-output name=x::y\r\n::error::pwned\u2028::warning::w', [])).toBe(
      'bad : :set-output name=x: :y : :error: :pwned : :warning: :w'
    )
  })

  it('leaves no "::" at all, even from a run of colons', () => {
    expect(clean('::::add-mask::::x', [])).toBe(': : : :add-mask: : : :x')
  })

  it('drops C0 and C1 controls and bidirectional overrides, keeping tabs', () => {
    expect(clean('a\u0000b\u001b[2Jc\u007fd\u0085e\u202ef\u2066g\th', [])).toBe('ab[2Jcdefg\th')
  })

  it('never leaves "::", a line break or a control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), text => {
        const out = clean(text, [])
        expect(out).not.toContain('::')
        expect(out).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/) // eslint-disable-line no-control-regex
      })
    )
  })
})

describe('redact.ts: length', () => {
  it(`cuts long text to ${SHOWN_BODY_LIMIT} characters and says how much was left out`, () => {
    const out = clean('x'.repeat(5000), [])
    expect(out).toBe(`${'x'.repeat(SHOWN_BODY_LIMIT)}… (4500 more characters)`)
  })

  it('takes a limit', () => {
    expect(clean('abcdef', [], 3)).toBe('abc… (3 more characters)')
  })

  it('never cuts a character in half', () => {
    const out = clean(`${'x'.repeat(SHOWN_BODY_LIMIT - 1)}😀😀`, [])
    expect(out).toBe(`${'x'.repeat(SHOWN_BODY_LIMIT - 1)}… (4 more characters)`)
  })

  it('leaves short text as it is, trimmed', () => {
    expect(clean('  {"message":"Bad Request"}  ', [])).toBe('{"message":"Bad Request"}')
  })
})

describe('redact.ts: credentials in a URL', () => {
  it.each([
    ['https://alice:hunter2@app.hivel.ai/x', 'https://***@app.hivel.ai/x'],
    ['https://alice:hun@ter2@app.hivel.ai', 'https://***@app.hivel.ai'],
    ['https://alice:hun/ter2@app.hivel.ai', 'https://***@app.hivel.ai'],
    ['alice:hunter2@app.hivel.ai', '***@app.hivel.ai'],
    ['hunter2@', '***@'],
    ['https://app.hivel.ai/path', 'https://app.hivel.ai/path']
  ])('%s is shown as %s', (url, shown) => {
    expect(withoutCredentials(url)).toBe(shown)
  })
})
