export function functionFiles(distDir: string): string[];
export function staticImportsOf(text: string): string[];
export function dynamicImportsOf(text: string): string[];
export function importClosure(distDir: string, entry?: string): string[];
