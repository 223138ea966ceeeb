/**
 * Stands in for `undici` in the bundle (tsconfig.json's "paths" maps the name here), so that
 * undici's code is bundled but runs only when first used. @actions/http-client imports undici at
 * top level, and @actions/core imports @actions/http-client, so without this every run would
 * evaluate all of undici (about 26 ms and 5 MB); only Octokit's fetch, on the rare run that asks
 * the GitHub API, and ProxyAgent, behind a proxy, ever use it. CommonJS because webpack bundles
 * a `require` inside a function as a module that runs on the first call, which ESM cannot express
 * without splitting the code into a chunk of its own (that ncc does not minify).
 */
/* global require, exports -- CommonJS, where the shared ESLint config assumes ESM */

/** @typedef {typeof import('undici/index.js')} Undici */

/** @type {Undici | undefined} */
let undici
// 'undici/index.js' is the real package: "paths" maps only the bare name `undici`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const real = () => (undici ??= /** @type {Undici} */ (require('undici/index.js')))

/** undici's ProxyAgent, loaded when the first one is made. */
exports.ProxyAgent = class ProxyAgent {
  /** @param {ConstructorParameters<Undici['ProxyAgent']>} args */
  constructor(...args) {
    return new (real().ProxyAgent)(...args)
  }
}

/** undici's fetch, loaded on the first call. @type {Undici['fetch']} */
exports.fetch = (...args) => real().fetch(...args)
