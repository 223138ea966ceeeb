/** schema.ts with http-client's proxy rules replaced: base-url follows them, whatever they say. */
import { describe, expect, it, jest } from '@jest/globals'

// As if http-client sent even loopback through the proxy (v4 does not; a later version might).
const getProxyUrl = jest.fn((url: URL) => (url.protocol === 'http:' ? new URL('http://proxy.example.com:3128') : undefined))
jest.unstable_mockModule('@actions/http-client/lib/proxy', () => ({ getProxyUrl, checkBypass: () => false }))
const { InputError, parseAll, settingsSchema } = await import('../src/schema.js')

describe('schema.ts: plain http through a proxy', () => {
  it('refuses plain http to loopback when http-client would send it through a proxy', () => {
    expect(() =>
      parseAll(settingsSchema(new Date(), 'https://github.com', 'issues'), { 'api-token': 't', 'base-url': 'http://127.0.0.1:8080' })
    ).toThrow(
      new InputError([
        'Input \'base-url\' "http://127.0.0.1:8080/" uses plain http through the proxy at proxy.example.com:3128, which would see the token; use https, or add 127.0.0.1 to NO_PROXY. Accepted: https://app.hivel.ai, https://app.hivel.in, or another https URL (a gateway, with its own path if it has one); http only for localhost, 127.0.0.1 or the IPv6 loopback, with no proxy'
      ])
    )
    expect(getProxyUrl).toHaveBeenCalledWith(new URL('http://127.0.0.1:8080'))
  })
})
