/**
 * The tag every resource eks-kit creates carries: `eks-kit:stack=<stack name>`. AWS is the state:
 * later runs, checks and a future `destroy` tell what is ours from what a user made by hand with it.
 *
 * @example
 * ```ts
 * const tags = { [STACK_TAG_KEY]: 'seed' }; // { 'eks-kit:stack': 'seed' }
 * ```
 */
export const STACK_TAG_KEY = 'eks-kit:stack';
