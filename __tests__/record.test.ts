/** The markers the action reads back from comments: only its own, and never slowly. */
import { describe, expect, it } from '@jest/globals'
import { cpuMs, LINEAR_CPU_MS } from '../__fixtures__/bounds.js'
import { commentBody, markersIn } from '../src/record.js'

const URL = 'https://github.com/acme/checkout-service/issues/3#issuecomment-1'
const marker = (data: object) => `<!-- hivel-incident ${JSON.stringify(data)} -->`

describe('markersIn', () => {
  it('reads what commentBody writes, and nothing that event text could add', () => {
    const payload = {
      description: 'boom --> <!-- hivel-incident {"provider_id":"p","incident_id":"forged"} -->',
      severity: 'high',
      reported_time: '2026-11-26T10:00:00Z',
      resolution_time: '2026-11-26T11:00:00Z',
      provider_id: 'acme/checkout-service/issues/3',
      repo_url: 'https://github.com/acme/checkout-service',
      pr_number: '203'
    }
    expect(markersIn(commentBody(payload, 'incident-7', 'https://run'), URL)).toEqual([
      { providerId: 'acme/checkout-service/issues/3', incidentId: 'incident-7', url: URL }
    ])
  })

  it('ignores ids that are not plain, JSON that is not the action’s, and markers longer than any it writes', () => {
    const body = [
      marker({ provider_id: 'a', incident_id: 'x y <b>' }),
      marker({ provider_id: 'b' }),
      '<!-- hivel-incident not json -->',
      marker({ provider_id: 'c', incident_id: 'ok', pad: 'x'.repeat(2000) }),
      marker({ provider_id: 'd', incident_id: '42' })
    ].join('\n')
    expect(markersIn(body, URL).map(r => r.providerId)).toEqual(['d'])
  })

  it('reads 100 hostile comments of 64 KiB each in bounded time', () => {
    const open = '<!-- hivel-incident '
    const hostile = [
      open.repeat(Math.floor(65_536 / open.length)) + ' -->', // every opener shares one far close
      (open + '{"provider_id":"').repeat(Math.floor(65_536 / 37)), // openers and no close at all
      (marker({ provider_id: 'p', incident_id: '1' }) + '-'.repeat(40)).repeat(650) // real markers, densely
    ]
    let found = 0
    const used = cpuMs(() => {
      found = 0
      for (let i = 0; i < 100; i++) found += markersIn(hostile[i % 3], URL).length
    })
    expect(found).toBe(33 * 650)
    // A quadratic scan of the first kind takes seconds.
    expect(used).toBeLessThan(LINEAR_CPU_MS)
  })
})
