// Resolves once Ink's layout engine (yoga-layout's WebAssembly) is loaded. Under Node's own loader (tests, sources)
// yoga-layout's module waits for it with a top-level await, so it already is. The build (scripts/build.mjs) gives
// yoga-layout a module without that await, so the app can run as CommonJS through a V8 code cache, and replaces this
// file with that module's promise: the first render must wait for it.
export const yogaReady: Promise<void> = Promise.resolve();
