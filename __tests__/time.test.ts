import { describe, expect, it } from '@jest/globals'
import { formatDuration, parseTime, toIsoUtc } from '../src/time.js'

const now = new Date('2026-11-26T10:00:00Z')
const iso = (raw: string) => {
  const r = parseTime(raw, now)
  return r.ok ? r.date.toISOString() : r.problem
}

describe('time.ts: reading times', () => {
  it.each([
    ['2024-08-01T12:34:56Z', '2024-08-01T12:34:56.000Z'],
    ['2024-08-01T12:34:56z', '2024-08-01T12:34:56.000Z'],
    ['2024-08-01T18:04:56+05:30', '2024-08-01T12:34:56.000Z'],
    ['2024-08-01T07:34:56-0500', '2024-08-01T12:34:56.000Z'],
    ['2024-08-01T14:34:56+02', '2024-08-01T12:34:56.000Z'],
    ['2024-08-01 12:34Z', '2024-08-01T12:34:00.000Z'],
    ['2024-08-01T12:34:56.789Z', '2024-08-01T12:34:56.789Z'],
    ['2024-08-01T12:34:56.123456789Z', '2024-08-01T12:34:56.123Z'],
    ['2024-08-01T12:34:56.5005Z', '2024-08-01T12:34:56.501Z'],
    ['2024-08-01T12:34:56,9996Z', '2024-08-01T12:34:57.000Z'],
    ['0000-02-29T12:00Z', '0000-02-29T12:00:00.000Z'],
    ['1722515696', '2024-08-01T12:34:56.000Z'],
    ['1722515696789', '2024-08-01T12:34:56.789Z'],
    ['1722515696.5', '2024-08-01T12:34:56.500Z'],
    ['2024-08-01', '2024-08-01T00:00:00.000Z'],
    [' 2024-02-29 ', '2024-02-29T00:00:00.000Z'],
    ['now', '2026-11-26T10:00:00.000Z'],
    [' NOW ', '2026-11-26T10:00:00.000Z']
  ])('reads %s as %s', (raw, expected) => {
    expect(iso(raw)).toBe(expected)
  })

  it.each([
    ['2024-08-01T12:34:56', 'has no time zone'],
    ['2024-02-30', 'is not a real date'],
    ['2024-8-1', 'is not a time'],
    ['2024-02-30T10:00:00Z', 'is not a real date'],
    ['2023-02-29T10:00:00Z', 'is not a real date'],
    ['2024-08-01T24:00:00Z', 'is not a real date'],
    ['2024-08-01T12:60:00Z', 'is not a real date'],
    ['2024-08-01T12:00:00+25:00', 'impossible offset'],
    ['yesterday', 'is not a time'],
    ['-1722515696', 'is not a time'],
    ['', 'is not a time']
  ])('refuses %s: %s', (raw, problem) => {
    expect(iso(raw)).toContain(problem)
  })

  it('accepts 29 February in a leap year', () => {
    expect(iso('2024-02-29T10:00:00Z')).toBe('2024-02-29T10:00:00.000Z')
  })

  it('sends ISO 8601 UTC without empty milliseconds', () => {
    expect(toIsoUtc(new Date('2024-08-01T12:34:56.000Z'))).toBe('2024-08-01T12:34:56Z')
    expect(toIsoUtc(new Date('2024-08-01T12:34:56.120Z'))).toBe('2024-08-01T12:34:56.120Z')
  })
})

describe('time.ts: time to recovery in words', () => {
  it.each([
    [20_000, '20 s'],
    [45 * 60_000, '45 min'],
    [60 * 60_000, '1 h'],
    [125 * 60_000, '2 h 5 min'],
    [24 * 3_600_000, '1 d'],
    [(3 * 24 + 4) * 3_600_000, '3 d 4 h']
  ])('%d ms is "%s"', (ms, words) => {
    expect(formatDuration(ms)).toBe(words)
  })
})
