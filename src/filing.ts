/**
 * Files one incident exactly once: looks for its record first, posts it only when there is none,
 * and records what Hivel answered. Shared by a live event and a backfill.
 */
import * as core from '@actions/core'
import { authHeaders, Delivery, DeliveryError, INCIDENT_PATH, sendIncident } from './hivel.js'
import type { Built } from './incident.js'
import { clean } from './redact.js'
import { Ledger, threadOf } from './record.js'
import type { Draft } from './situations/draft.js'

/** How incidents are filed in this run. */
export interface Filing {
  delivery: Delivery
  dryRun: boolean
  /** Undefined when record is false: no record is read or written. */
  ledger?: Ledger
  ownRepoUrl: string
  runUrl: string
  /** Log lines for each incident; a backfill keeps them short. */
  quiet?: boolean
}

/** What became of one incident. */
export type Outcome =
  | { status: 'dry run' }
  | { status: 'filed'; incidentId: string; recordUrl?: string }
  | { status: 'already filed'; incidentId: string; recordUrl: string }
  | { status: 'failed'; problem: string; error: Error }

/**
 * Files built unless its record says it was filed before. onFiled runs as soon as Hivel has given
 * an id, before anything else can fail. Only a failed delivery is a failed outcome: a record that
 * cannot be read or written is a warning, and the incident is filed regardless.
 */
export async function fileOnce(
  built: Built,
  draft: Pick<Draft, 'thread'>,
  filing: Filing,
  onFiled: (id: string) => void
): Promise<Outcome> {
  const { payload } = built
  const log = filing.quiet ? core.debug : core.info
  const thread = filing.ledger ? threadOf(payload, draft.thread, filing.ownRepoUrl) : undefined
  if (thread && 'none' in thread && !filing.quiet) core.notice(clean(`No record of this incident is kept on GitHub: ${thread.none}.`, []))
  const number = thread && 'number' in thread ? thread.number : undefined
  if (filing.ledger && number && payload.provider_id) {
    const recorded = await filing.ledger.find(number, payload.provider_id)
    if (recorded) {
      if (!filing.quiet) {
        core.notice(`Already filed with Hivel as incident ${clean(recorded.incidentId, [])} (${recorded.url}): nothing is sent again.`)
      }
      onFiled(recorded.incidentId)
      return { status: 'already filed', incidentId: recorded.incidentId, recordUrl: recorded.url }
    }
  }
  const url = `${filing.delivery.baseUrl}${INCIDENT_PATH}`
  if (filing.dryRun) {
    const headers = Object.keys(authHeaders('', filing.delivery.authHeader)).map(h => `${h}: ***`)
    log(`Dry run: nothing is sent. The request would be:\nPOST ${url}\n${headers.join('\n')}\n${JSON.stringify(payload, null, 2)}`)
    onFiled('')
    return { status: 'dry run' }
  }
  log(`Filing the incident with ${url}: ${JSON.stringify(payload)}`)
  let incidentId: string
  try {
    incidentId = await sendIncident(payload, filing.delivery)
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error
    return { status: 'failed', problem: clean(error.message, [filing.delivery.token], 4000), error }
  }
  onFiled(incidentId)
  log(`Hivel filed incident ${clean(incidentId, [])}`)
  const recordUrl = number && filing.ledger ? await filing.ledger.write(number, payload, incidentId, filing.runUrl) : undefined
  return { status: 'filed', incidentId, recordUrl }
}
