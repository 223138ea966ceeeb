import { describe, expect, it } from '@jest/globals'
import { hivel, minutesAgo, runAction, startServer, TOKEN } from '../__fixtures__/action.js'
import { NODES } from '../__fixtures__/nodes.js'

describe.each(NODES)('the built action under %s', (_label, node) => {
  it('files an incident and sets incident_id', async () => {
    const server = await startServer(hivel)
    try {
      const result = await runAction({
        node,
        inputs: { 'api-token': TOKEN, 'base-url': server.url, severity: 'high', 'reported-time': minutesAgo(30), 'pr-number': '44' }
      })
      expect(result.code).toBe(0)
      expect(result.outputs.incident_id).toBe('incident-1')
      expect(server.requests).toHaveLength(1)
      expect(result.shown).not.toContain(TOKEN)
    } finally {
      await server.close()
    }
  })
})
