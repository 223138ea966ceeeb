/** Turns the time forms the action accepts into instants, and durations into words. */

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/
const EPOCH = /^\d+(?:\.\d+)?$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
// Below this an epoch number is seconds (up to year 5138), above it milliseconds.
const EPOCH_MS_THRESHOLD = 1e11
// ISO 8601 writes four-digit years; outside them toIsoUtc would write "-000001-…" or "+010000-…".
const EARLIEST_MS = Date.parse('0000-01-01T00:00:00Z')
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z')

/** The instant, if a four-digit year can name it in UTC. */
function inRange(date: Date): TimeResult {
  const ms = date.getTime()
  return ms >= EARLIEST_MS && ms <= LATEST_MS ? { ok: true, date } : { ok: false, problem: 'is out of range (years 0000 to 9999, in UTC)' }
}

/** Accepted time forms, for error messages and docs. */
export const TIME_FORMS =
  'ISO 8601 with Z or an offset (2024-08-01T12:34:56Z, 2024-08-01T18:04:56+05:30), a date (2024-08-01, read as midnight UTC), epoch seconds, epoch milliseconds, or now'

/** The result of reading a time: an instant, or why it is not one. */
export type TimeResult = { ok: true; date: Date } | { ok: false; problem: string }

/**
 * Reads a time given as ISO 8601 with a zone, a date (midnight UTC), epoch seconds or milliseconds,
 * or `now`. A time of day without a zone is refused rather than guessed.
 */
export function parseTime(raw: string, now: Date): TimeResult {
  const text = raw.trim()
  if (text.toLowerCase() === 'now') return { ok: true, date: now }
  if (EPOCH.test(text)) {
    const value = Number(text)
    const ms = value < EPOCH_MS_THRESHOLD ? value * 1000 : value
    const date = new Date(Math.round(ms))
    return inRange(date)
  }
  // A bare date names a day, not a local clock time: its start in UTC, for every input that takes a time.
  const m = ISO_8601.exec(DATE.test(text) ? `${text}T00:00Z` : text)
  if (!m) return { ok: false, problem: 'is not a time' }
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone] = m
  if (!zone) return { ok: false, problem: 'has no time zone (add Z for UTC, or an offset such as +05:30)' }
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number)
  const local = new Date(Date.UTC(2000, 0, 1, hour, minute, second))
  // Year, month and day at once: Date.UTC reads years below 100 as 19xx, and 1900-02-29 does not exist.
  local.setUTCFullYear(year, month - 1, day)
  const real =
    local.getUTCFullYear() === year &&
    local.getUTCMonth() === month - 1 &&
    local.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  if (!real) return { ok: false, problem: 'is not a real date and time' }
  const offsetMinutes = zoneOffsetMinutes(zone)
  if (offsetMinutes === undefined) return { ok: false, problem: `has an impossible offset ${zone}` }
  // Milliseconds from the digits as decimal text: 0.5005 * 1000 in floating point is 500.4999…, not 500.5.
  const fractionMs = Math.round(Number(`${frac.slice(0, 3).padEnd(3, '0')}.${frac.slice(3)}`))
  const ms = local.getTime() + fractionMs - offsetMinutes * 60_000
  return inRange(new Date(ms))
}

function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0
  if (hours > 23 || minutes > 59) return undefined
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes)
}

/** ISO 8601 in UTC, without milliseconds when there are none: what Hivel's examples send. */
export function toIsoUtc(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z')
}

/** "2026-12-02 13:04 UTC": the one form of a time in a job summary (to the minute, as the opening sentence's range). */
export function formatUtc(time: Date | string): string {
  const iso = (typeof time === 'string' ? new Date(time) : time).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

/** "2026-11-26 10:00 → 13:12 UTC" from two ISO 8601 UTC times, with both dates when the days differ. */
export function utcRange(from: string, to: string): string {
  const [fromDay, fromTime] = from.slice(0, 16).split('T')
  const [toDay, toTime] = to.slice(0, 16).split('T')
  return fromDay === toDay ? `${fromDay} ${fromTime} → ${toTime} UTC` : `${fromDay} ${fromTime} → ${toDay} ${toTime} UTC`
}

/** A duration in words for people: "45 min", "2 h 5 min", "3 d 4 h", "20 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`
  const days = Math.floor(hours / 24)
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** A duration such as 90d, 12w, 36h or 30m in milliseconds; undefined when it is not one. */
export function parseDuration(raw: string): number | undefined {
  const m = /^(\d{1,5})\s*([mhdw])$/i.exec(raw.trim())
  return m ? Number(m[1]) * UNIT_MS[m[2].toLowerCase()] : undefined
}
