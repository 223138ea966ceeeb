import { describe, expect, it } from '@jest/globals'
import { FIELD_LIMIT, linkAfter, truncate, withLink } from '../src/text.js'

const graphemes = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map(s => s.segment)

describe('text.ts: cutting text to fit', () => {
  it('cuts to 255 with an ellipsis and leaves short text alone', () => {
    expect(truncate('x'.repeat(300))).toBe(`${'x'.repeat(254)}…`)
    expect(truncate('x'.repeat(255))).toBe('x'.repeat(255))
    expect(truncate('short')).toBe('short')
    expect(truncate('😀'.repeat(200))).toBe(`${'😀'.repeat(127)}…`)
  })

  // Each is several code points a reader sees as one character: cut between them, it shows as another.
  it.each([
    ['a flag', '🇫🇷'],
    ['an emoji with a skin tone', '👍🏽'],
    ['a family joined by zero-width joiners', '👩‍👩‍👧'],
    ['a letter with a combining accent', 'e\u0301'],
    ['a keycap', '1️⃣']
  ])('keeps or drops %s whole', (_name, character) => {
    const text = `${'x'.repeat(250)}${character.repeat(10)}`
    for (let limit = 250; limit <= 260; limit++) {
      const out = truncate(text, limit)
      expect(out.length).toBeLessThanOrEqual(limit)
      const kept = out.slice(0, -1)
      expect(graphemes(kept).every(g => g === 'x' || g === character)).toBe(true)
      expect(text.startsWith(kept)).toBe(true)
    }
  })
})

describe('text.ts: text with a link', () => {
  const link = 'https://github.com/acme/checkout-service/actions/runs/11872340561'

  it('adds the link in brackets when both fit', () => {
    expect(withLink('Deploy failed', link)).toBe(`Deploy failed (${link})`)
    expect(withLink('Deploy failed', undefined)).toBe('Deploy failed')
  })

  it('cuts the text, never the link, and stays within 255', () => {
    const out = withLink(`Deploy failed: ${'job '.repeat(100)}`, link)
    expect(out).toHaveLength(FIELD_LIMIT)
    expect(out.endsWith(`… (${link})`)).toBe(true)
  })

  it('cuts the text between characters a reader sees', () => {
    const out = withLink('🇫🇷'.repeat(150), link)
    expect(out.length).toBeLessThanOrEqual(FIELD_LIMIT)
    expect(out).toMatch(new RegExp(`^(?:🇫🇷)+… \\(${link.replace(/[./]/g, '\\$&')}\\)$`, 'u'))
  })

  it('leaves out a link too long to leave the text room, rather than cut it', () => {
    const long = `https://deploy.example.com/${'a'.repeat(200)}`
    const text = `Deployment to production failed: ${'because '.repeat(40)}`
    const out = withLink(text, long)
    expect(out).toBe(truncate(text))
    expect(out).not.toContain('https://')
    // Long text with no link is cut too.
    expect(withLink(text, undefined)).toHaveLength(FIELD_LIMIT)
  })

  it('keeps a link that leaves the text 40 characters, not one that leaves 39', () => {
    const text = 'y'.repeat(300)
    const fits = `https://x.example/${'a'.repeat(FIELD_LIMIT - 40 - 3 - 18)}`
    expect(withLink(text, fits)).toBe(`${'y'.repeat(39)}… (${fits})`)
    expect(withLink(text, `${fits}a`)).toBe(truncate(text))
  })
})

describe('text.ts: text ending in a link', () => {
  const link = 'https://github.com/acme/shop/actions/runs/123456789'
  it('keeps short text whole, cuts long text but never the link, and stays within 255', () => {
    expect(linkAfter('Deploy failed until', link)).toBe(`Deploy failed until ${link}`)
    const long = linkAfter('x'.repeat(400), link)
    expect(long.endsWith(` ${link}`)).toBe(true)
    expect(long.length).toBe(FIELD_LIMIT)
  })
  it('leaves out a link too long to leave the text room', () => {
    const huge = `https://example.com/${'a'.repeat(230)}`
    expect(linkAfter('Deploy failed on main for 3 h', huge)).toBe('Deploy failed on main for 3 h')
  })
})
