/**
 * Entry of the Lambda bundle `dist/index.mjs` (handler `index.handler`): the handler only, so the
 * bundle carries nothing the function does not run.
 */
export { handler } from './handler.js';
