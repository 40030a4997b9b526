/**
 * The stack validator (zod schema, semantic rules) and the YAML reader, built as a file of its own,
 * `dist/stack-loader.mjs`, beside the function's `index.mjs`. `load-stack.ts` imports it only when the
 * stack must be validated: its text is not the one the deploy step validated (no digest, or edited by
 * hand since), or it is YAML. The function's own file then carries neither zod nor a YAML library.
 */
export { parseStackJson, readStackYaml, validateStackData } from '@eks-kit/stack';
