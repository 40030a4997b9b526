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

/**
 * The tag a resource of the stack carries when another tool owns its life: `eks-kit:managed-by=
 * cloudformation` on what the checks Lambda's deploy template makes (its roles, function, topic,
 * bucket). They are the stack's (tagged {@link STACK_TAG_KEY}), but CloudFormation deletes them: the
 * orphan scan never lists a role with this tag (or with CloudFormation's own `aws:cloudformation:
 * stack-name`), so neither `apply --prune` nor `destroy` deletes it under its stack.
 *
 * @example
 * ```ts
 * const tags = { [STACK_TAG_KEY]: 'seed', [MANAGED_BY_TAG_KEY]: 'cloudformation' };
 * ```
 */
export const MANAGED_BY_TAG_KEY = 'eks-kit:managed-by';
