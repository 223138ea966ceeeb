/**
 * Stands in for `undici` in the bundle (tsconfig.json's "paths" maps the name here), so that
 * undici's 440 KB are neither bundled nor parsed. @actions/http-client imports undici's ProxyAgent
 * at top level for its fetch dispatcher, which the action never asks for: both clients make their
 * requests over node:http through http-client's own proxy agents (src/http.ts). Should a future
 * change reach for it, it fails at once, naming this file, instead of sending nothing silently.
 * CommonJS, as undici's own entry point is.
 */
/* global exports -- CommonJS, where the shared ESLint config assumes ESM */

const missing = () =>
  new Error('undici is not bundled (src/undici-stub.cjs): the action makes its requests over node:http, see src/http.ts')

/** undici's ProxyAgent: not bundled. */
exports.ProxyAgent = class ProxyAgent {
  constructor() {
    throw missing()
  }
}
