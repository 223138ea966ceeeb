/**
 * The ledger: the one authority on what this action sent to Hivel. One small JSON file on a ref
 * outside the branches (refs/hivel/incidents), provider id → state, changed only by a commit on
 * the commit that was read, and the ref moved only as a fast-forward: of two runs that read the
 * same ledger only one can write, the other reads again and decides again (a compare-and-swap).
 *
 * An incident is written `sending` before the POST and `filed` (with Hivel's id) or `unsure` after
 * it, so a crash anywhere leaves a state that says what happened, and nothing is sent twice.
 */
import * as v from 'valibot'
import { GitHubApiError, LEDGER_FILE, LEDGER_REF, MissingTokenError, RateLimitError } from './github-api.js'
import { isPlainId } from './hivel.js'
import type { Recorded } from './record.js'
import { clean } from './redact.js'

const entrySchema = v.object({
  state: v.picklist(['sending', 'filed', 'unsure']),
  incident_id: v.optional(v.pipe(v.string(), v.check(isPlainId, 'an incident_id is not a plain id'))),
  /** The run (or the comment, for an imported record) that wrote the state. */
  run: v.string(),
  at: v.string(),
  /** sending: the process that reserved it, and until when it may still be sending. */
  by: v.optional(v.string()),
  until: v.optional(v.string()),
  /** unsure: why. */
  why: v.optional(v.string()),
  /** The comment for people. */
  record: v.optional(v.string()),
  /**
   * What was sent (or is being sent): a re-run reports it rather than what it would send now.
   * Records imported from comments, and ledgers of earlier versions, do not hold it.
   */
  payload: v.optional(v.record(v.string(), v.unknown()))
})

const ledgerSchema = v.object({
  version: v.literal(1),
  created_at: v.pipe(v.string(), v.isoTimestamp()),
  /** Threads whose comments were imported once (records of versions before the ledger). */
  imported_threads: v.array(v.number()),
  incidents: v.record(v.string(), entrySchema),
  /** The deployments sent, by deployment_id, in the same states. */
  deployments: v.optional(v.record(v.string(), entrySchema), {})
})

export type LedgerEntry = v.InferOutput<typeof entrySchema>
type Doc = v.InferOutput<typeof ledgerSchema>

/** Where the ledger is kept: GitHubApi, or a test's stand-in. */
export interface LedgerStore {
  /** permission: the one to name should the read be refused (write when the run writes it too). */
  readLedger(permission: string): Promise<{ commit: string; text: string } | undefined>
  /** The new commit, or undefined when the ref moved since parent. */
  writeLedger(text: string, message: string, parent: string | undefined): Promise<string | undefined>
  /** Waits until n requests can be made, or throws RateLimitError. */
  ensureBudget(n: number): Promise<void>
}

/** Who writes: the run's link, and a nonce of this process, so two processes of one run differ. */
export interface Writer {
  run: string
  nonce: string
  now: () => Date
  sleep: (ms: number) => Promise<void>
}

/** The ledger cannot be read or written; nothing was sent on its account. */
export class LedgerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LedgerError'
  }
}

/** Reads and writes that fail for want of an answer are tried this often. */
const ATTEMPTS = 3
/** Writes that lose the race to another run are tried this often (each reads the ledger again). */
const RACES = 8
/** A reservation asks for its own commit, its confirmation's and a comment each. */
const RECORD_REQUESTS = 6

const transient = (error: unknown) =>
  error instanceof GitHubApiError &&
  !(error instanceof RateLimitError) &&
  !(error instanceof MissingTokenError) &&
  (error.status === undefined || error.status >= 500)

const WHERE = `the ledger of filed incidents (${LEDGER_FILE} on ${LEDGER_REF})`
/** What to grant: the line for the job's permissions, read for a dry run (which only reads the ledger), else write. */
const permissionText = (permission: string) =>
  `The action records each incident there before sending it: add \`${permission}\` to the job's \`permissions:\` (or set record: false, and nothing stops a duplicate).`
const WRITE = 'contents: write'

const DEPLOYMENT_KEY = 'deployment:'

/** The ledger key of a deployment: kept apart from incidents, whose provider ids could be the same text. */
export const deploymentKey = (deploymentId: string): string => `${DEPLOYMENT_KEY}${deploymentId}`

/** Where a key's entry lives: incidents by provider id, deployments by deployment id. */
function slot(doc: Doc, key: string): [Record<string, LedgerEntry>, string] {
  return key.startsWith(DEPLOYMENT_KEY) ? [doc.deployments, key.slice(DEPLOYMENT_KEY.length)] : [doc.incidents, key]
}

type Op = { kind: 'sending' | 'filed' | 'unsure' | 'released' | 'imported'; apply: (doc: Doc, lost: Set<string>) => void }

/** What a run reads once and changes in a few commits. */
export class Ledger {
  private ops: Op[] = []

  private constructor(
    private readonly store: LedgerStore,
    private readonly writer: Writer,
    private doc: Doc,
    private head: string | undefined
  ) {}

  /** Reads the ledger (an empty one when there is none yet); retried, then a LedgerError. readOnly: a dry run, which writes nothing. */
  static async open(store: LedgerStore, writer: Writer, readOnly = false): Promise<Ledger> {
    const { doc, head } = await Ledger.read(store, writer, readOnly ? 'contents: read' : WRITE)
    return new Ledger(store, writer, doc, head)
  }

  private static async read(store: LedgerStore, writer: Writer, permission = WRITE): Promise<{ doc: Doc; head?: string }> {
    for (let attempt = 1; ; attempt++) {
      let read: Awaited<ReturnType<LedgerStore['readLedger']>>
      try {
        read = await store.readLedger(permission)
      } catch (error) {
        if (transient(error) && attempt < ATTEMPTS) {
          await writer.sleep(1000 * attempt)
          continue
        }
        if (error instanceof RateLimitError) throw error
        throw new LedgerError(
          `Could not read ${WHERE}: ${clean((error as Error).message, [])}. Nothing was sent: without it the action cannot tell what was filed before. ${transient(error) ? 'Re-run the job when GitHub answers.' : permissionText(permission)}`
        )
      }
      if (!read)
        return { doc: { version: 1, created_at: writer.now().toISOString(), imported_threads: [], incidents: {}, deployments: {} } }
      return { doc: parseLedger(read.text), head: read.commit }
    }
  }

  /** When the ledger began: records from before it may be in comments only. */
  get createdAt(): Date {
    return new Date(this.doc.created_at)
  }

  /** The entry of a key: an incident's provider id, or deploymentKey(id). */
  get(key: string): LedgerEntry | undefined {
    const [entries, id] = slot(this.doc, key)
    return Object.hasOwn(entries, id) ? entries[id] : undefined
  }

  imported(thread: number): boolean {
    return this.doc.imported_threads.includes(thread)
  }

  /** A reservation of another process that may still be sending. */
  inFlight(entry: LedgerEntry): boolean {
    return entry.state === 'sending' && entry.by !== this.writer.nonce && Date.parse(entry.until ?? '') > this.writer.now().getTime()
  }

  /**
   * Reserves a key for sending payload until `until`: lost (see commit) when another run recorded
   * it first, unless what it recorded is `replacing` (a resend of an unsure record).
   */
  reserve(key: string, until: Date, payload: object, replacing?: LedgerEntry): void {
    const mine = this.stamp({ state: 'sending', by: this.writer.nonce, until: until.toISOString(), payload: { ...payload } })
    this.ops.push({
      kind: 'sending',
      apply: (doc, lost) => {
        const [entries, id] = slot(doc, key)
        const now = Object.hasOwn(entries, id) ? entries[id] : undefined
        if (!now || now.by === this.writer.nonce || (replacing && JSON.stringify(now) === JSON.stringify(replacing))) entries[id] = mine
        else lost.add(key)
      }
    })
  }

  /** Records what became of a send (or what a comment proved). */
  settle(key: string, state: 'filed' | 'unsure', more: Pick<LedgerEntry, 'incident_id' | 'why' | 'record' | 'payload'>): void {
    const entry = this.stamp({ state, ...more })
    this.ops.push({
      kind: state,
      apply: doc => {
        const [entries, id] = slot(doc, key)
        entries[id] = entry
      }
    })
  }

  /** Withdraws this process's reservation of something provably not sent. */
  release(key: string): void {
    this.ops.push({
      kind: 'released',
      apply: doc => {
        const [entries, id] = slot(doc, key)
        if (entries[id]?.by === this.writer.nonce) delete entries[id]
      }
    })
  }

  /** Adds the records found in a thread's comments (filed before the ledger), and notes the thread as read. */
  importRecords(thread: number, records: Recorded[]): void {
    const at = this.writer.now().toISOString()
    const op: Op = {
      kind: 'imported',
      apply: doc => {
        if (!doc.imported_threads.includes(thread)) doc.imported_threads.push(thread)
        for (const r of records) {
          if (!Object.hasOwn(doc.incidents, r.providerId))
            doc.incidents[r.providerId] = { state: 'filed', incident_id: r.incidentId, run: r.url, at, record: r.url }
        }
      }
    }
    this.ops.push(op)
    // Seen at once by this run, written with its next commit.
    op.apply(this.doc, new Set())
  }

  /**
   * Writes every waiting change in one commit on the ledger as last read; when another run wrote
   * first, reads it again and applies them to what it wrote. Returns the provider ids whose
   * reservation another run took first (their state is then what that run recorded).
   */
  async commit(): Promise<Set<string>> {
    if (!this.ops.length) return new Set()
    const reserving = this.ops.filter(op => op.kind === 'sending').length
    if (reserving) {
      await this.store.ensureBudget(RECORD_REQUESTS + reserving).catch(error => {
        this.dropReservations()
        throw error
      })
    }
    for (let failures = 0, races = 0; ;) {
      const next = structuredClone(this.doc)
      const lost = new Set<string>()
      for (const op of this.ops) op.apply(next, lost)
      let written: string | undefined
      try {
        written = await this.store.writeLedger(`${JSON.stringify(next, null, 2)}\n`, this.message(), this.head)
        if (!written && ++races > RACES) throw new LedgerError(`Could not write ${WHERE}: other runs kept writing it first.`)
      } catch (error) {
        if (error instanceof LedgerError || error instanceof RateLimitError || !transient(error) || ++failures >= ATTEMPTS) {
          this.dropReservations()
          if (error instanceof LedgerError || error instanceof RateLimitError) throw error
          throw new LedgerError(
            `Could not write ${WHERE}: ${clean((error as Error).message, [])}.${transient(error) ? '' : ` ${permissionText(WRITE)}`}`
          )
        }
        // A failed ref update may have moved the ref all the same: what is read next says.
      }
      if (written) {
        this.doc = next
        this.head = written
        this.ops = []
        return lost
      }
      await this.writer.sleep(Math.random() * 200 * (races + failures))
      const fresh = await Ledger.read(this.store, this.writer)
      this.doc = fresh.doc
      this.head = fresh.head
    }
  }

  /** Nothing is sent on a reservation that was not written; the other changes wait for the next commit. */
  private dropReservations(): void {
    this.ops = this.ops.filter(op => op.kind !== 'sending')
  }

  private stamp(entry: Omit<LedgerEntry, 'run' | 'at'>): LedgerEntry {
    return { ...entry, run: this.writer.run, at: this.writer.now().toISOString() }
  }

  /** "Hivel records: 4 sending, 3 filed (<run>)". */
  private message(): string {
    const counts = new Map<string, number>()
    for (const op of this.ops) counts.set(op.kind, (counts.get(op.kind) ?? 0) + 1)
    return `Hivel records: ${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ')}\n\n${this.writer.run}`
  }
}

/** The ledger's text, checked against what the action writes; anything else stops the run. */
export function parseLedger(text: string): Doc {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    data = error
  }
  const parsed = v.safeParse(ledgerSchema, data)
  if (parsed.success) return parsed.output
  const problem =
    data instanceof Error ? 'it is not JSON' : parsed.issues.map(i => `${v.getDotPath(i) ?? 'the file'}: ${i.message}`).join('; ')
  throw new LedgerError(
    `${WHERE} is not what the action writes (${clean(problem, [], 500)}). Nothing was sent. Restore it from an earlier commit: git fetch origin ${LEDGER_REF} && git log -p FETCH_HEAD.`
  )
}
