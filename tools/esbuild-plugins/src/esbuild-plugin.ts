import type { Options } from 'tsup';

/** An esbuild plugin, as tsup takes it (esbuild is tsup's dependency, not this package's). */
export type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];
