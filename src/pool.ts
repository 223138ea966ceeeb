/** Work over a list, a few at a time, that a stop (a cancel, a spent rate limit) ends between items. */
import { clean } from './redact.js'
import type { Stop } from './stop.js'

/**
 * Runs fn over items, n at a time; a stop (or an error, which stops the others) ends every worker
 * before its next item, so the items not reached are left as they were.
 */
export async function pool<T>(items: readonly T[], n: number, stop: Stop, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length && !stop.reason) {
      try {
        await fn(items[next++])
      } catch (error) {
        stop.request(clean((error as Error).message, []))
        throw error
      }
    }
  }
  const failed = (await Promise.allSettled(Array.from({ length: n }, worker))).find(r => r.status === 'rejected')
  if (failed) throw failed.reason
}
