/**
 * The ledger's compare-and-swap on a store in memory that behaves as GitHub's refs do: a write on a
 * commit other than the head is refused, and the loser reads again and decides again.
 */
import { describe, expect, it } from '@jest/globals'
import { GitHubApiError, RateLimitError } from '../src/github-api.js'
import { Ledger, LedgerError, LedgerStore, Writer } from '../src/ledger.js'

/** One ref and its file; `fail` answers the next calls of a kind with an error. */
class MemoryStore implements LedgerStore {
  head?: string
  text?: string
  commits = 0
  readonly fail: { read: unknown[]; write: unknown[]; budget: unknown[] } = { read: [], write: [], budget: [] }

  async readLedger() {
    if (this.fail.read.length) throw this.fail.read.shift()
    return this.head && this.text ? { commit: this.head, text: this.text } : undefined
  }
  async writeLedger(text: string, _message: string, parent: string | undefined) {
    if (this.fail.write.length) throw this.fail.write.shift()
    if (parent !== this.head) return undefined
    this.head = `c${++this.commits}`
    this.text = text
    return this.head
  }
  async ensureBudget() {
    if (this.fail.budget.length) throw this.fail.budget.shift()
  }
  get doc() {
    return JSON.parse(this.text ?? 'null')
  }
}

const writer = (nonce: string): Writer => ({
  run: `https://github.com/acme/checkout-service/actions/runs/${nonce}`,
  nonce,
  now: () => new Date('2026-11-26T12:00:00Z'),
  sleep: async () => undefined
})
const UNTIL = new Date('2026-11-26T12:10:00Z')

describe('Ledger', () => {
  it('lets one of two runs that reserve the same incident at once have it; the other learns who', async () => {
    const store = new MemoryStore()
    const [a, b] = await Promise.all([Ledger.open(store, writer('a')), Ledger.open(store, writer('b'))])
    a.reserve('p', UNTIL, {})
    b.reserve('p', UNTIL, {})
    b.reserve('q', UNTIL, {})
    expect(await a.commit()).toEqual(new Set())
    // b read before a wrote: its write is refused, it reads again and keeps only what is free.
    expect(await b.commit()).toEqual(new Set(['p']))
    expect(b.get('p')).toMatchObject({ state: 'sending', by: 'a' })
    expect(b.inFlight(b.get('p')!)).toBe(true)
    expect(store.doc.incidents).toMatchObject({ p: { by: 'a' }, q: { by: 'b' } })
    expect(store.commits).toBe(2)
  })

  it('keeps a settle written on a ledger another run changed in between', async () => {
    const store = new MemoryStore()
    const a = await Ledger.open(store, writer('a'))
    a.reserve('p', UNTIL, {})
    await a.commit()
    const b = await Ledger.open(store, writer('b'))
    b.reserve('q', UNTIL, {})
    await b.commit()
    a.settle('p', 'filed', { incident_id: '7' })
    await a.commit()
    expect(store.doc.incidents).toMatchObject({ p: { state: 'filed', incident_id: '7' }, q: { state: 'sending', by: 'b' } })
  })

  it('keeps what was sent with the entry, and reads a ledger of an earlier version that does not hold it', async () => {
    const store = new MemoryStore()
    store.head = 'old'
    store.text = JSON.stringify({
      version: 1,
      created_at: '2026-11-01T00:00:00.000Z',
      imported_threads: [],
      incidents: { old: { state: 'filed', incident_id: '1', run: 'r', at: '2026-11-02T00:00:00Z' } }
    })
    const a = await Ledger.open(store, writer('a'))
    expect(a.get('old')?.payload).toBeUndefined()
    const payload = { severity: 'high', reported_time: '2026-11-26T11:00:00Z', resolution_time: '2026-11-26T12:00:00Z' }
    a.reserve('p', UNTIL, payload)
    await a.commit()
    expect(store.doc.incidents.p).toMatchObject({ state: 'sending', payload })
    a.settle('p', 'filed', { incident_id: '7', payload })
    await a.commit()
    expect((await Ledger.open(store, writer('b'))).get('p')).toEqual({
      state: 'filed',
      incident_id: '7',
      payload,
      run: 'https://github.com/acme/checkout-service/actions/runs/a',
      at: '2026-11-26T12:00:00.000Z'
    })
  })

  it('retries a read that gets no answer, and then stops with what to do', async () => {
    const store = new MemoryStore()
    store.fail.read.push(new GitHubApiError('502', 502), new GitHubApiError('502', 502))
    await expect(Ledger.open(store, writer('a'))).resolves.toBeInstanceOf(Ledger)
    store.fail.read.push(...[1, 2, 3].map(() => new GitHubApiError('Could not read: HTTP 502', 502)))
    await expect(Ledger.open(store, writer('a'))).rejects.toThrow(/Nothing was sent.*Re-run the job when GitHub answers\./)
    store.fail.read.push(new GitHubApiError('Could not read: HTTP 403', 403))
    await expect(Ledger.open(store, writer('a'))).rejects.toThrow(/contents: write/)
  })

  it('drops a reservation it could not write, and keeps the settles for the next commit', async () => {
    const store = new MemoryStore()
    const a = await Ledger.open(store, writer('a'))
    a.settle('done', 'filed', { incident_id: '1' })
    a.reserve('p', UNTIL, {})
    store.fail.budget.push(new RateLimitError('spent'))
    await expect(a.commit()).rejects.toThrow(RateLimitError)
    a.reserve('q', UNTIL, {})
    store.fail.write.push(...[1, 2, 3].map(() => new GitHubApiError('HTTP 502', 502)))
    await expect(a.commit()).rejects.toThrow(LedgerError)
    await a.commit()
    expect(Object.keys(store.doc.incidents)).toEqual(['done'])
  })

  it('gives up after losing the race again and again, sending nothing on it', async () => {
    const store = new MemoryStore()
    const a = await Ledger.open(store, writer('a'))
    a.reserve('p', UNTIL, {})
    // Another run writes before each of a's tries.
    const write = store.writeLedger.bind(store)
    store.writeLedger = async (text, message, parent) => {
      store.head = `other${++store.commits}`
      return write(text, message, parent)
    }
    await expect(a.commit()).rejects.toThrow('other runs kept writing it first')
    store.writeLedger = write
    await a.commit()
    expect(store.text).toBeUndefined()
  })

  it('refuses a ledger it did not write', async () => {
    const store = new MemoryStore()
    store.head = 'c0'
    store.text = JSON.stringify({ version: 2, incidents: {} })
    await expect(Ledger.open(store, writer('a'))).rejects.toThrow(
      /is not what the action writes \(version: .*created_at: .*\)\. Nothing was sent\./
    )
  })
})
