// Stands in for every AWS SDK module in dist/stack-loader.mjs (tsup.config.ts): the stack validator calls
// no AWS API, but the packages it comes from import SDK commands and clients at their top. Any use throws.
const fail = () => {
  throw new Error('stack-loader.mjs holds no AWS SDK: this code runs in index.mjs');
};
const thing = new Proxy(function sdkStandIn() {}, {
  get: (_target, key) => (key === 'prototype' ? Object.prototype : thing),
  apply: fail,
  construct: fail,
});
module.exports = new Proxy({}, { get: (_target, key) => (key === '__esModule' ? false : thing) });
