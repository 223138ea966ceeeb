/** How far back a recovery looks for the start of its outage: a number of runs or deployments, and days. */

/** The bounds; an outage whose start lies beyond them is filed from the earliest failure seen. */
export interface LookBack {
  runs: number
  days: number
  /** As the user wrote it, for messages. */
  text: string
}

export const DEFAULT_LOOK_BACK = '100 runs or 90 days'
const MAX_RUNS = 1000
const MAX_DAYS = 400

/** Reads "100 runs or 90 days", "50 runs", "30d"; undefined when it is none of those. */
export function parseLookBack(raw: string): LookBack | undefined {
  const terms = raw
    .trim()
    .toLowerCase()
    .split(/\s*(?:,|\bor\b)\s*/)
  const bounds: { runs?: number; days?: number } = {}
  for (const term of terms) {
    const m = /^(\d{1,4})\s*(runs?|deployments?|d|days?)$/.exec(term)
    if (!m) return undefined
    const key = m[2].startsWith('d') && !m[2].startsWith('dep') ? 'days' : 'runs'
    if (bounds[key] !== undefined) return undefined
    bounds[key] = Number(m[1])
  }
  const runs = bounds.runs ?? MAX_RUNS
  const days = bounds.days ?? MAX_DAYS
  if (runs < 1 || runs > MAX_RUNS || days < 1 || days > MAX_DAYS) return undefined
  return { runs, days, text: raw.trim() }
}

export const LOOK_BACK_FORMS = `a number of runs and/or days, such as "${DEFAULT_LOOK_BACK}", "50 runs" or "30 days" (at most ${MAX_RUNS} runs and ${MAX_DAYS} days)`

/** Whether the seen-th older run or deployment, created at `at`, is within the look-back from `from`. */
export function withinLookBack(lookBack: LookBack, seen: number, at: Date, from: Date): boolean {
  return seen <= lookBack.runs && from.getTime() - at.getTime() <= lookBack.days * 86_400_000
}
