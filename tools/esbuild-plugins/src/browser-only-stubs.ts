import type { EsbuildPlugin } from './esbuild-plugin.js';

/**
 * `bowser` (~35 KB) parses a browser's user agent for the SDK's browser user-agent provider
 * (`createUserAgentStringParsingProvider`, which reads `window.navigator`); `@aws-sdk/core`'s client
 * barrel brings it into a Node bundle, where the Node provider is used instead. Resolve it to a
 * module whose `parse` finds nothing, which that provider already handles (`os/other`,
 * `md/browser#unknown_unknown`).
 *
 * @example
 * ```ts
 * defineConfig({ esbuildPlugins: [browserOnlyStubs] });
 * ```
 */
export const browserOnlyStubs: EsbuildPlugin = {
  name: 'eks-kit-browser-only-stubs',
  setup(build) {
    build.onResolve({ filter: /^bowser$/ }, () => ({ path: 'bowser', namespace: 'eks-kit-stub' }));
    build.onLoad({ filter: /^bowser$/, namespace: 'eks-kit-stub' }, () => ({
      contents: 'export const parse = () => undefined;\nexport default { parse };',
      loader: 'js',
    }));
  },
};
