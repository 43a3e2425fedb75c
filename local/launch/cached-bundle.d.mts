/**
 * Imports a TypeScript module from an esbuild bundle kept until one of its source files changes.
 * See cached-bundle.mjs.
 */
export declare const importBundled: (entry: string) => Promise<Record<string, unknown>>
