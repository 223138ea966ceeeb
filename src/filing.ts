/**
 * Files incidents at most once, a batch at a time: reads what the ledger says of each, reserves
 * those to send in one commit (with the confirmations of the batch before), posts them, and leaves
 * their confirmations for the next commit. Shared by a live event (a batch of one) and a backfill.
 */
import * as log from './log.js'
import { randomUUID } from 'node:crypto'
import { GitHubApi, GitHubApiError, RateLimitError } from './github-api.js'
import type { DeploymentPayload } from './deployment.js'
import { authHeaders, Delivery, DeliveryError, deliveryBoundMs, DEPLOYMENT, INCIDENT, Kind, send } from './hivel.js'
import type { Built } from './incident.js'
import { deploymentKey, Ledger, LedgerEntry, LedgerError } from './ledger.js'
import { clean } from './redact.js'
import { pool } from './pool.js'
import { CommentRecords, threadOf, threadPermission } from './record.js'
import type { Thread } from './situations/draft.js'
import type { Stop } from './stop.js'

/** How incidents are filed in this run. */
export interface Filing {
  delivery: Delivery
  /** deployment-api-token: what deployments are sent with; api-token when not set. */
  deploymentToken?: string
  dryRun: boolean
  /** false: no ledger, no comment, no check (record: false). */
  record: boolean
  /** Provider ids whose unsure record the user checked in Hivel: sent again. */
  resend: string[]
  ownRepoUrl: string
  runUrl: string
  stop: Stop
  /** Log lines for each incident; a backfill keeps them short. */
  quiet?: boolean
  /** false: no comment for people (a backfill: the ledger is its record). */
  comments?: boolean
}

/** One record to file: an incident, with the thread its situation names for the comment, or a deployment. */
export type Item = { built: Built; thread?: Thread } | { deployment: DeploymentPayload }

const isIncident = (item: Item): item is { built: Built; thread?: Thread } => 'built' in item
const kindOf = (item: Item): Kind => (isIncident(item) ? INCIDENT : DEPLOYMENT)
/** The record's id as the user names it: its provider_id, or its deployment_id. */
const idOf = (item: Item): string => (isIncident(item) ? (item.built.payload.provider_id ?? '') : item.deployment.deployment_id)
/** A record's key in the ledger, where deployments are kept apart from incidents. */
const keyFor = (kind: Kind, id: string): string => (kind === DEPLOYMENT ? deploymentKey(id) : id)
const keyOf = (item: Item): string => keyFor(kindOf(item), idOf(item))
const payloadOf = (item: Item) => (isIncident(item) ? item.built.payload : item.deployment)

/**
 * What the ledger says of a record filed before: when and by which run (or, imported from a
 * version before the ledger, the comment that recorded it), and what was sent when it holds that.
 */
export interface FiledBefore {
  at: string
  by: string
  payload?: Record<string, unknown>
}

/** What became of one incident. */
export type Outcome =
  | { status: 'dry run' }
  | { status: 'filed'; incidentId: string; recordUrl?: string }
  | { status: 'already filed'; incidentId: string; recordUrl?: string; before: FiledBefore }
  /** Another run reserved it and may be sending it now; that run reports it. */
  | { status: 'in progress'; problem: string }
  /** Hivel may or may not have it; before: an earlier run already said so. */
  | { status: 'unsure'; problem: string; before?: boolean }
  /** Hivel has it, the ledger could not be told. */
  | { status: 'not recorded'; incidentId: string; problem: string }
  /** Not sent: the run stopped, or its record could not be read or written. */
  | { status: 'not sent'; problem: string }
  /** Hivel refused it, or did not take it. */
  | { status: 'failed'; problem: string }

/** Outcomes that fail the step (a warning with fail-on-error: false). */
export const failsStep = (o: Outcome): boolean =>
  o.status === 'not recorded' || o.status === 'not sent' || o.status === 'failed' || (o.status === 'unsure' && !o.before)

/** A reservation outlives the longest delivery by this much before another run may call it unsure. */
const GRACE_MS = 60_000

const unsureText = (item: Item, why: string) =>
  `Hivel may or may not have this ${kindOf(item).name}: ${why}. It is not sent again, so it cannot be filed twice. Look in Hivel for ${kindOf(item).idField} ${idOf(item)}: if it is there, nothing is lost; if not, run the workflow with resend: ${idOf(item)}.`

/** A record the ledger holds as filed: an incident by Hivel's id, a deployment by its own. */
const filedOutcome = (kind: Kind, id: string, entry: LedgerEntry): Outcome => ({
  status: 'already filed',
  incidentId: kind === DEPLOYMENT ? id : (entry.incident_id ?? ''),
  recordUrl: entry.record,
  before: earlier(entry)
})

/** Files incidents through the ledger; one per run. */
export class Filer {
  /** Outcomes whose state waits in the ledger's next commit. */
  private unconfirmed: { outcomes: Outcome[]; index: number }[] = []
  private commentWarned = false

  private constructor(
    private readonly filing: Filing,
    private readonly ledger?: Ledger,
    readonly comments?: CommentRecords
  ) {}

  /**
   * What the ledger says of a record it holds as filed (an incident's provider_id, a deployment's
   * deployment_id): a backfill whose window overlaps the last one's asks nothing more for it.
   */
  filedBefore(kind: Kind, id: string): Outcome | undefined {
    const entry = this.ledger?.get(keyFor(kind, id))
    return entry?.state === 'filed' ? filedOutcome(kind, id, entry) : undefined
  }

  /** Opens the ledger (unless record is false); a ledger that cannot be read stops the run before anything is sent. */
  static async open(filing: Filing, api: GitHubApi): Promise<Filer> {
    if (!filing.record) return new Filer(filing)
    const writer = {
      run: filing.runUrl,
      nonce: randomUUID(),
      now: () => new Date(),
      sleep: (ms: number) => new Promise<void>(r => setTimeout(r, ms))
    }
    const ledger = await log.group('GitHub API: the ledger of filed incidents', () => Ledger.open(api, writer, filing.dryRun))
    return new Filer(filing, ledger, new CommentRecords(api))
  }

  /**
   * Files a batch, reserved in one ledger commit and sent `concurrency` at a time; onFiled(i, id,
   * payload) runs as soon as an id is known, before anything else can fail, with what was sent
   * (by an earlier run, for one filed before: undefined when its record does not say).
   */
  async file(
    items: Item[],
    onFiled: (index: number, id: string, payload: object | undefined) => void = () => undefined,
    concurrency = items.length
  ): Promise<Outcome[]> {
    const { filing, ledger } = this
    const outcomes: Outcome[] = []
    const send: number[] = []
    for (const [i, item] of items.entries()) {
      const known = await this.known(item)
      if (!known) send.push(i)
      else {
        outcomes[i] = known
        if (known.status === 'already filed') onFiled(i, known.incidentId, known.before.payload)
      }
    }
    if (filing.dryRun) {
      for (const i of send) outcomes[i] = await this.dryRun(items[i], () => onFiled(i, '', payloadOf(items[i])))
      return outcomes
    }
    if (filing.stop.reason) {
      for (const i of send) outcomes[i] = { status: 'not sent', problem: `Not sent: ${filing.stop.reason}.` }
      return outcomes
    }
    if (ledger && send.length) {
      const until = new Date(Date.now() + deliveryBoundMs(filing.delivery) + GRACE_MS)
      for (const i of send) ledger.reserve(keyOf(items[i]), until, payloadOf(items[i]), ledger.get(keyOf(items[i])))
      let lost: Set<string>
      try {
        lost = await ledger.commit()
      } catch (error) {
        if (!(error instanceof LedgerError || error instanceof GitHubApiError)) throw error
        if (error instanceof RateLimitError) filing.stop.request(clean(error.message, []))
        const problem = `Not sent: ${clean(error.message, [])}`
        for (const i of send) outcomes[i] = { status: 'not sent', problem }
        return outcomes
      }
      // That commit also wrote what waited from the batch before.
      this.unconfirmed = []
      for (const i of send.filter(i => lost.has(keyOf(items[i])))) {
        outcomes[i] = this.fromEntry(items[i], ledger.get(keyOf(items[i])) as LedgerEntry)
      }
    }
    const reserved = send.filter(i => !outcomes[i])
    await pool(reserved, concurrency, filing.stop, async i => {
      outcomes[i] = await this.send(items[i], id => onFiled(i, id, payloadOf(items[i])))
      if (ledger) this.unconfirmed.push({ outcomes, index: i })
    })
    // Reserved, but not reached before a stop: provably not sent, so released with the next commit.
    for (const i of reserved.filter(i => !outcomes[i])) {
      ledger?.release(keyOf(items[i]))
      outcomes[i] = { status: 'not sent', problem: `Not sent: ${filing.stop.reason}.` }
    }
    return outcomes
  }

  /**
   * Reads the records that versions before the ledger left in comments, for many threads at once:
   * one list of the repository's comments instead of a read per thread. A failure leaves each
   * thread to be read on its own.
   */
  async readEarlierRecords(items: Item[]): Promise<void> {
    const due = items.filter(isIncident).filter(item => this.needsImport(item))
    if (!this.comments || due.length < 2) return
    const threads = new Set(due.map(item => (this.thread(item) as Thread).number))
    // A record is written after its incident resolved: none of these is older than the first resolution.
    const since = new Date(Math.min(...due.map(item => Date.parse(item.built.payload.resolution_time))))
    try {
      await this.comments.readAll(threads, since)
    } catch (error) {
      if (error instanceof RateLimitError) this.filing.stop.request(clean(error.message, []))
      if (!(error instanceof GitHubApiError)) throw error
    }
  }

  /** An incident the ledger does not know, resolved before it began: its record may be in a comment of a version before it. */
  private needsImport(item: { built: Built; thread?: Thread }): boolean {
    const { ledger } = this
    const thread = this.thread(item)
    return (
      !!ledger &&
      !!thread &&
      !ledger.get(keyOf(item)) &&
      !ledger.imported(thread.number) &&
      Date.parse(item.built.payload.resolution_time) < ledger.createdAt.getTime()
    )
  }

  /**
   * Writes what waits (the confirmations of the last batch); when it cannot be written, the
   * outcomes it concerns say so: Hivel has them, the ledger still says `sending`.
   */
  async confirm(): Promise<void> {
    if (!this.ledger || this.filing.dryRun) return
    const waiting = this.unconfirmed
    this.unconfirmed = []
    try {
      await this.ledger.commit()
    } catch (error) {
      if (!(error instanceof LedgerError || error instanceof GitHubApiError)) throw error
      const why = clean(error.message, [])
      for (const { outcomes, index } of waiting) outcomes[index] = unrecorded(outcomes[index], why)
    }
  }

  /** What the ledger (or, once, the comments of versions before it) already says; undefined: send it. */
  private async known(item: Item): Promise<Outcome | undefined> {
    const { ledger, comments } = this
    if (!ledger || !comments) return undefined
    const key = keyOf(item)
    const providerId = idOf(item)
    const thread = isIncident(item) ? this.thread(item) : undefined
    // Read is enough where the run leaves no comment (a dry run, a backfill); otherwise the thread needs write anyway.
    const permission = thread && threadPermission(thread, this.filing.comments !== false && !this.filing.dryRun)
    if (thread && permission && isIncident(item) && this.needsImport(item)) {
      try {
        ledger.importRecords(thread.number, await comments.read(thread.number, permission))
      } catch (error) {
        if (error instanceof RateLimitError) this.filing.stop.request(clean(error.message, []))
        if (!(error instanceof GitHubApiError)) throw error
        return {
          status: 'not sent',
          problem: `Not sent: its record on #${thread.number} could not be read (${clean(error.message, [])}), so it is not known whether it was filed before. Run the workflow again when GitHub answers.`
        }
      }
    }
    const entry = ledger.get(key)
    if (!entry || entry.state === 'filed' || ledger.inFlight(entry)) return entry && this.fromEntry(item, entry)
    // A reservation whose run stopped: the comment it leaves right after Hivel's answer may prove it filed.
    if (entry.state === 'sending' && thread && permission) {
      const proof = (await comments.read(thread.number, permission).catch(() => [])).find(r => r.providerId === providerId)
      if (proof) {
        ledger.settle(key, 'filed', { incident_id: proof.incidentId, record: proof.url, payload: entry.payload })
        return { status: 'already filed', incidentId: proof.incidentId, recordUrl: proof.url, before: earlier(entry) }
      }
    }
    if (this.filing.resend.includes(providerId)) return undefined
    if (entry.state === 'sending') {
      const why = `${entry.run} stopped while sending it (reserved at ${entry.at})`
      ledger.settle(key, 'unsure', { why, payload: entry.payload })
      return { status: 'unsure', problem: unsureText(item, why) }
    }
    return this.fromEntry(item, entry)
  }

  private fromEntry(item: Item, entry: LedgerEntry): Outcome {
    if (entry.state === 'filed') return filedOutcome(kindOf(item), idOf(item), entry)
    if (entry.state === 'sending')
      return { status: 'in progress', problem: `Being sent by ${entry.run} (reserved at ${entry.at}), which reports it.` }
    return { status: 'unsure', before: true, problem: unsureText(item, entry.why ?? 'an earlier run could not tell') }
  }

  /** The thread for the comment; tell: say why there is none. */
  private thread(item: { built: Built; thread?: Thread }, tell = false): Thread | undefined {
    const thread = threadOf(item.built.payload, item.thread, this.filing.ownRepoUrl)
    if ('none' in thread) {
      if (tell && !this.filing.quiet)
        log.notice(clean(`No comment on this incident is left on GitHub: ${thread.none}.`, []), 'No record comment')
      return undefined
    }
    return thread
  }

  private async dryRun(item: Item, onFiled: () => void): Promise<Outcome> {
    await log.group(`Hivel: the ${kindOf(item).name} request (dry run)`, () => Promise.resolve(this.logRequest(item)), this.nameOf(item))
    onFiled()
    return { status: 'dry run' }
  }

  /** What a dry run would send. */
  private logRequest(item: Item): void {
    const headers = Object.keys(authHeaders('', this.deliveryOf(item).authHeader)).map(h => `${h}: ***`)
    const url = `${this.filing.delivery.baseUrl}${kindOf(item).path}`
    this.log(
      `Dry run: nothing is sent. The request would be:\nPOST ${url}\n${headers.join('\n')}\n${JSON.stringify(payloadOf(item), null, 2)}`
    )
  }

  /** What a record's log lines begin with in a backfill, where many are filed at once: "issue #12". */
  private nameOf(item: Item): string | undefined {
    return this.filing.quiet ? log.recordName(idOf(item)) : undefined
  }

  /** How a record is sent: a deployment with its own key, in the one header Hivel's deployment API reads. */
  private deliveryOf(item: Item): Delivery {
    const { delivery, deploymentToken } = this.filing
    return isIncident(item) ? delivery : { ...delivery, token: deploymentToken ?? delivery.token, authHeader: 'x-api-token' }
  }

  private log(message: string): void {
    if (this.filing.quiet) log.debug(message)
    else log.info(message)
  }

  /** Posts one reserved incident, leaves the comment for people, and queues its state for the ledger: in a log group. */
  private send(item: Item, onFiled: (id: string) => void): Promise<Outcome> {
    const title = `Hivel: sending the ${kindOf(item).name} ${log.recordName(idOf(item))}`
    return log.group(title, () => this.sendNow(item, onFiled), this.nameOf(item))
  }

  private async sendNow(item: Item, onFiled: (id: string) => void): Promise<Outcome> {
    const { filing, ledger, comments } = this
    const kind = kindOf(item)
    const payload = payloadOf(item)
    const key = keyOf(item)
    const delivery = this.deliveryOf(item)
    const token = delivery.token
    this.log(`Sending the ${kind.name} to ${filing.delivery.baseUrl}${kind.path}: ${JSON.stringify(payload)}`)
    let id: string
    try {
      id = await send(kind, payload, { ...delivery, stopped: () => !!filing.stop.reason })
    } catch (error) {
      const problem = clean((error as Error).message, [token], 4000)
      const sent = error instanceof DeliveryError ? error.sent : 'maybe'
      if (sent === 'no') ledger?.release(key)
      if (sent === 'yes') ledger?.settle(key, 'filed', { payload })
      if (sent !== 'maybe') return { status: 'failed', problem }
      const why = error instanceof DeliveryError && error.why ? error.why : problem
      ledger?.settle(key, 'unsure', { why: clean(why, [token], 300), payload })
      return { status: 'unsure', problem }
    }
    onFiled(id)
    this.log(`Hivel filed ${kind.name} ${clean(id, [])}`)
    const thread = isIncident(item) && filing.comments !== false ? this.thread(item, true) : undefined
    const recordUrl =
      thread && comments && isIncident(item)
        ? await comments.write(thread, item.built.payload, id, filing.runUrl).catch(e => this.noComment(thread, e))
        : undefined
    // A deployment's key is its id: nothing more to record.
    ledger?.settle(key, 'filed', isIncident(item) ? { incident_id: id, record: recordUrl, payload } : { payload })
    return { status: 'filed', incidentId: id, recordUrl }
  }

  /** A comment that cannot be left (a locked thread, a missing permission) loses nothing: the ledger has the record. */
  private noComment(thread: Thread, error: unknown): undefined {
    const message = `Could not leave the comment on #${thread.number} (${clean((error as Error).message, [])}); the ledger holds the record, so nothing is filed twice.`
    if (this.commentWarned) log.info(message)
    else log.warning(message, 'Record comment not left')
    this.commentWarned = true
    return undefined
  }
}

/** When, by whom and what: a sending entry's run is the one whose send its comment proved. */
const earlier = (entry: LedgerEntry): FiledBefore => ({ at: entry.at, by: entry.run, payload: entry.payload })

/** An outcome whose ledger state could not be written, worded as what it means. */
function unrecorded(outcome: Outcome, why: string): Outcome {
  if (outcome.status === 'filed') {
    return {
      status: 'not recorded',
      incidentId: outcome.incidentId,
      problem: `Filed with Hivel as incident ${outcome.incidentId}, but the ledger could not record it (${why}). It still holds it as being sent, so no run sends it again; a later run reports it as unsure: it is filed, as ${outcome.incidentId}.`
    }
  }
  if (outcome.status === 'failed' || outcome.status === 'unsure')
    return { ...outcome, problem: `${outcome.problem} The ledger could not record this either (${why}).` }
  return outcome
}
