// Bundles the CLI (and the practice cluster's entry points) with esbuild.
// Start-up cost is a feature: unbundled ink + react + client-node take ~1.7 s to import,
// the bundle with client-node split into a lazily loaded chunk starts near 0.3 s.
import {build} from 'esbuild';
import {spawn} from 'node:child_process';
import {copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import {STAMP, writeStamp} from './build-stamp.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// The app is one CommonJS bundle (dist/cilium-lab.cjs, from src/entry.ts) that a small loader (dist/cilium-lab.js,
// src/load.ts) runs through a V8 code cache: Node 20 compiles ES modules without one, and compiling the app's modules
// was most of its start. Libraries that load only after the first frame, and are large, are bundles of their own under
// dist/vendor/ (VENDOR), required when first used; so is each of them in the others. The practice daemon is the same
// (dist/practice-daemon.cjs, loaded by dist/practice-daemon.js, src/practice/daemon/load.ts); the CLI reaches it only
// through src/practice/daemon/client.ts, which spawns it. Its parts are imported statically: they are in its bundle,
// and a part that does not resolve fails this build. The simulated tools (dist/practice-tool.js) stay ES modules.
const appBundle = 'dist/cilium-lab.cjs';
const appCodeCache = `${appBundle}.code-cache`;
const daemonBundle = 'dist/practice-daemon.cjs';
const daemonCodeCache = `${daemonBundle}.code-cache`;
/** Package → its bundle, dist/vendor/<name>.cjs. */
const VENDOR = {'@kubernetes/client-node': 'client-node', marked: 'marked', 'marked-terminal': 'marked-terminal'};
/** Resolves the VENDOR packages (but `self`) to their bundles, required at run time from dist/ or dist/vendor/. */
const vendorExternal = (self) => ({
	name: 'vendor-external',
	setup(builder) {
		builder.onResolve({filter: new RegExp(`^(${Object.keys(VENDOR).map((name) => name.replace(/[/.-]/g, '\\$&')).join('|')})$`)}, (args) =>
			args.path === self ? undefined : {path: `./${self ? '' : 'vendor/'}${VENDOR[args.path]}.cjs`, external: true},
		);
	},
});

// Ink's layout engine (yoga) decodes its inlined WebAssembly with fetch() whenever fetch exists, and on Node that
// first loads undici: ~40 ms before the first frame. Without fetch it decodes the same bytes synchronously.
const yogaWithoutFetch = {
	name: 'yoga-without-fetch',
	setup(builder) {
		builder.onLoad({filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, ({path: file}) => {
			const source = readFileSync(file, 'utf8');
			const patched = source.replaceAll('"function"!=typeof fetch', 'true');
			if (patched === source) throw new Error(`${file}: no fetch() test to patch any more; check the yoga-layout upgrade (scripts/build.mjs)`);
			return {contents: patched, loader: 'js'};
		});
	},
};

// string-width (every width Ink measures) with a fast path for text of characters that are each their own grapheme
// cluster, Ink's output tokenizer (@alcalzone/ansi-tokenize) without a segmenter for such text, and every
// Intl.Segmenter they and slice-ansi make at load made on first use instead: creating a segmenter and compiling
// string-width's Unicode-property regexes cost ~80 ms before the first frame (src/ui/simple-width.ts).
const simpleWidthModule = path.join(root, 'src', 'ui', 'simple-width.ts');
/** A segmenter made on first use; with `single`, text of single-grapheme characters needs none (singleGraphemes). */
const lazySegmenter = (name, options = '', single = false) =>
	`${single ? `import {singleGraphemes as __singleGraphemes} from ${JSON.stringify(simpleWidthModule)};\n` : ''}let __${name}; const ${name} = {segment: (text) => ${single ? '__singleGraphemes(text) ?? ' : ''}(__${name} ??= new Intl.Segmenter(${options})).segment(text)};`;
/** Replaces each [from, to] in `source` once; a change that no longer applies fails the build (check the upgrade). */
function patch(file, source, replacements) {
	let patched = source;
	for (const [from, to] of replacements) {
		if (!patched.includes(from)) throw new Error(`${file}: no longer has the code scripts/build.mjs patches (${from.slice(0, 60)}…); check the upgrade`);
		// A function, so a "$" in the replacement is never read as a pattern ($', $&…).
		patched = patched.replace(from, () => to);
	}
	return patched;
}
const fastText = {
	name: 'fast-text',
	setup(builder) {
		builder.onLoad({filter: /[\\/]string-width[\\/]index\.js$/}, ({path: file}) => {
			const source = readFileSync(file, 'utf8');
			const version = JSON.parse(readFileSync(path.join(path.dirname(file), 'package.json'), 'utf8')).version;
			// string-width 4 (CommonJS, of cli-table3 and yargs) is left as it is: nothing before the first frame uses it.
			if (!/^[78]\./.test(version)) return undefined;
			const patched = patch(file, source, [
				['const segmenter = new Intl.Segmenter();', lazySegmenter('segmenter')],
				['export default function stringWidth(', 'function stringWidthFull('],
				["import stripAnsi from 'strip-ansi';", "import stripAnsi from 'strip-ansi';"],
				["import {eastAsianWidth} from 'get-east-asian-width';", "import {eastAsianWidth} from 'get-east-asian-width';"],
				// string-width 8: \p{RGI_Emoji} (a property of strings, v flag) takes ~20 ms to construct, at load.
				...(version.startsWith('8.')
					? [['const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;', "let __rgiEmojiRegex; const rgiEmojiRegex = {test: (text) => (__rgiEmojiRegex ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(text)};"]]
					: []),
			]);
			return {
				contents: `${patched}
import {simpleWidth as __simpleWidth} from ${JSON.stringify(simpleWidthModule)};
export default function stringWidth(input, options) {
	if (typeof input === 'string') {
		const width = __simpleWidth(input, options, eastAsianWidth, stripAnsi, ${version.startsWith('8.')});
		if (width !== undefined) return width;
	}
	return stringWidthFull(input, options);
}
`,
				loader: 'js',
				resolveDir: path.dirname(file),
			};
		});
		builder.onLoad({filter: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/}, ({path: file}) => {
			const source = readFileSync(file, 'utf8');
			const contents = patch(file, source, [
				['const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });', lazySegmenter('segmenter', "undefined, {granularity: 'grapheme'}", true)],
			]);
			return {contents, loader: 'js', resolveDir: path.dirname(file)};
		});
		// cli-truncate 5 (Ink's truncate-*) keeps a wide character that straddles the cut, so a Korean line comes out one
		// column too wide and the terminal clips its "…" (sindresorhus/cli-truncate#28; fixed in cli-truncate 6.1.1 with
		// slice-ansi 9, which need Node 22): each slice that comes out wider than asked is cut one column narrower.
		builder.onLoad({filter: /[\\/]cli-truncate[\\/]index\.js$/}, ({path: file}) => {
			const source = readFileSync(file, 'utf8');
			const contents = patch(file, source, [
				[
					"import sliceAnsi from 'slice-ansi';",
					`import __sliceAnsi from 'slice-ansi';
function sliceAnsi(text, start, end) {
	const slice = __sliceAnsi(text, start, end);
	if (end === undefined || stringWidth(slice) <= end - start) return slice;
	return end >= stringWidth(text) ? __sliceAnsi(text, start + 1, end) : __sliceAnsi(text, start, end - 1);
}`,
				],
			]);
			return {contents, loader: 'js', resolveDir: path.dirname(file)};
		});
		builder.onLoad({filter: /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/}, ({path: file}) => {
			const source = readFileSync(file, 'utf8');
			const contents = patch(file, source, [["const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});", lazySegmenter('GRAPHEME_SEGMENTER', "undefined, {granularity: 'grapheme'}", true)]]);
			return {contents, loader: 'js', resolveDir: path.dirname(file)};
		});
	},
};

// CommonJS cannot hold a top-level await. yoga-layout waits for its WebAssembly with one: here it starts loading it
// when its module loads and exports the promise, which src/ui/yoga-ready.ts becomes (the first render waits for it).
// Ink's reconciler awaits its devtools and package.json only with DEV=true (React devtools, which the build leaves
// out: react-devtools-core is an empty module), so those awaits become what the build gives them.
const commonJsReady = {
	name: 'commonjs-ready',
	setup(builder) {
		builder.onLoad({filter: /yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/}, ({path: file}) => {
			const contents = patch(file, readFileSync(file, 'utf8'), [
				['const Yoga = wrapAssembly(await loadYoga());\nexport default Yoga;', 'let Yoga;\nexport const yogaReady = loadYoga().then((module) => {\n\tYoga = wrapAssembly(module);\n});\nexport {Yoga as default};'],
			]);
			return {contents, loader: 'js', resolveDir: path.dirname(file)};
		});
		builder.onLoad({filter: /[\\/]src[\\/]ui[\\/]yoga-ready\.ts$/}, () => ({contents: "export {yogaReady} from 'yoga-layout';", loader: 'js', resolveDir: root}));
		builder.onLoad({filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/}, ({path: file}) => {
			const contents = patch(file, readFileSync(file, 'utf8'), [
				["await import('./devtools.js');", "throw Object.assign(new Error('react-devtools-core is not in the build'), {code: 'ERR_MODULE_NOT_FOUND'});"],
				['? await loadPackageJson()', '? {name: undefined, version: undefined}'],
			]);
			return {contents, loader: 'js', resolveDir: path.dirname(file)};
		});
	},
};

// No stamp while building: an interrupted build is never taken for a finished one (scripts/start.mjs).
rmSync(path.join(root, STAMP), {force: true});
rmSync(path.join(root, daemonCodeCache), {force: true});
rmSync(path.join(root, appCodeCache), {force: true});
rmSync(path.join(root, 'dist', 'lab-snapshot.json'), {force: true});
const startedMs = Date.now();
const common = {
	absWorkingDir: root,
	bundle: true,
	platform: 'node',
	target: 'node20',
	minify: true,
	sourcemap: 'linked',
	alias: {'react-devtools-core': './scripts/empty-module.mjs'},
	define: {
		'process.env.NODE_ENV': '"production"',
		__VERSION__: JSON.stringify(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version),
	},
	plugins: [yogaWithoutFetch, fastText, commonJsReady],
	logLevel: 'warning',
	metafile: true,
};
// CommonJS run by vm.Script: `import.meta.url` is this file's URL (the module wrapper's __filename), and an import()
// is a require() (vm.Script has no loader for import(); each file has none to import: checked below).
const commonJs = {
	format: 'cjs',
	supported: {'dynamic-import': false},
	define: {...common.define, 'import.meta.url': '__import_meta_url'},
	banner: {js: "var __import_meta_url = require('node:url').pathToFileURL(__filename).href;"},
};
const [result, appResult, daemonResult, ...loaderResults] = await Promise.all([
	build({
		...common,
		entryPoints: {'practice-tool': 'src/practice/bin/main.ts'},
		outdir: 'dist',
		splitting: true,
		format: 'esm',
		chunkNames: 'chunks/[name]-[hash]',
		// Some CommonJS dependencies call require() for node built-ins.
		banner: {
			js: "import {createRequire as __cr} from 'node:module';const require=__cr(import.meta.url);",
		},
	}),
	build({...common, ...commonJs, plugins: [...common.plugins, vendorExternal()], entryPoints: ['src/entry.ts'], outfile: appBundle}),
	build({...common, ...commonJs, entryPoints: ['src/practice/daemon/main.ts'], outfile: daemonBundle}),
	...Object.entries(VENDOR).map(([name, file]) =>
		build({...common, ...commonJs, plugins: [...common.plugins, vendorExternal(name)], entryPoints: [name], outfile: `dist/vendor/${file}.cjs`}),
	),
	// The loaders on their own: nothing shared to load first.
	build({...common, entryPoints: ['src/practice/daemon/load.ts'], outfile: 'dist/practice-daemon.js', format: 'esm'}),
	build({...common, entryPoints: ['src/load.ts'], outfile: 'dist/cilium-lab.js', format: 'esm'}),
]);
for (const [each, bundle] of [[appResult, appBundle], [daemonResult, daemonBundle]]) {
	const dynamicImports = each.metafile.outputs[bundle].imports.filter((imported) => imported.kind === 'dynamic-import');
	if (dynamicImports.length > 0) {
		throw new Error(`${bundle} has a dynamic import() of ${dynamicImports.map((imported) => imported.path).join(', ')}, which vm.Script cannot run (src/code-cache.ts)`);
	}
}
// Chunks of earlier builds (their names carry a content hash) would pile up in dist/chunks: keep this build's only.
const currentChunks = new Set(Object.keys(result.metafile.outputs).map((output) => path.resolve(root, output)));
const chunksDir = path.join(root, 'dist', 'chunks');
for (const name of existsSync(chunksDir) ? readdirSync(chunksDir) : []) {
	const file = path.join(chunksDir, name);
	if (!currentChunks.has(file.replace(/\.map$/, ''))) rmSync(file, {force: true});
}

/** `node dist/cilium-lab.js ...args`, resolved with its status and stderr. */
const runApp = (args, env) =>
	new Promise((resolve) => {
		const child = spawn(process.execPath, [path.join(root, 'dist', 'cilium-lab.js'), ...args], {env, stdio: ['ignore', 'ignore', 'pipe']});
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('close', (status) => resolve({status, stderr}));
	});

/**
 * The daemon's code cache: a daemon started on a temporary lab home writes it when it stops (src/code-cache.ts,
 * writeOnExit), stopped as soon as it is ready. Made by its second start, as most starts are (credentials already
 * made): without the certificate code the first start runs, the cache is smaller.
 */
async function writeDaemonCodeCache(home) {
	const env = {...process.env, CILIUM_LAB_HOME: home, CILIUM_LAB_PRACTICE_SPEED: 'instant'};
	delete env.CILIUM_LAB_NO_CODE_CACHE;
	await runApp(['practice', 'start'], env);
	await runApp(['practice', 'stop'], env);
	rmSync(path.join(root, daemonCodeCache), {force: true});
	const started = await runApp(['practice', 'start'], env);
	await runApp(['practice', 'stop'], env);
	if (!existsSync(path.join(root, daemonCodeCache))) process.stderr.write(`build: no ${daemonCodeCache} (the first daemon started writes it)\n${started.stderr}`);
}

// The validated lab of lessons/, for a first start from a fresh lab home (src/lab/cache.ts). Written by the app
// itself (`list` caches the lab it loads), so it is keyed by exactly this build's code.
const snapshot = path.join(root, 'dist', 'lab-snapshot.json');
async function writeSnapshot(home) {
	rmSync(snapshot, {force: true});
	const list = await runApp(['list', '--lessons', path.join(root, 'lessons')], {...process.env, CILIUM_LAB_HOME: home});
	const entries = existsSync(path.join(home, 'cache')) ? readdirSync(path.join(home, 'cache')).filter((name) => name.endsWith('.json')) : [];
	if (list.status === 0 && entries.length === 1) copyFileSync(path.join(home, 'cache', entries[0]), snapshot);
	else process.stderr.write(`build: no dist/lab-snapshot.json (lessons/ does not load: run cilium-lab lint); starts will validate the lessons\n${list.stderr}`);
}

/** Opens the TUI in a pty until it wrote dist/cilium-lab.cjs.code-cache (at most 10 s), then closes it. */
async function writeAppCodeCache(env) {
	delete env.CILIUM_LAB_NO_CODE_CACHE;
	const cache = path.join(root, appCodeCache);
	const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(root, 'dist', 'cilium-lab.js'))} --target real --lang en`;
	let child;
	try {
		child = spawn('script', ['-qfec', command, '/dev/null'], {cwd: root, env, stdio: ['pipe', 'ignore', 'ignore']});
	} catch {
		child = undefined;
	}
	const exited = new Promise((resolve) => (child ? child.on('exit', resolve).on('error', resolve) : resolve()));
	let open = true;
	void exited.then(() => (open = false));
	for (let waited = 0; waited < 10_000 && open && !existsSync(cache); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
	child?.kill('SIGTERM');
	await exited;
	if (!existsSync(cache)) process.stderr.write(`build: no ${appCodeCache} (needs \`script\` of util-linux; the first start of the lab writes it)\n`);
}

const home = mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-build-'));
try {
	// Two things at once (each a few node starts, most of a build's time here): the daemon's code cache, and the lab
	// snapshot followed by the app's code cache (a TUI opened on the lab home the snapshot's `list` left).
	await Promise.all([writeDaemonCodeCache(home), writeAppCodeCache({...process.env, CILIUM_LAB_HOME: path.join(home, 'tui'), CI: 'false', NO_COLOR: '1'}).then(() => writeSnapshot(home))]);
} finally {
	rmSync(home, {recursive: true, force: true});
}

// Last: what this build was made from, so `npm start` skips the next build when nothing changed (scripts/build-stamp.mjs).
// Source maps are no output a start needs.
// The code caches are no output a start needs either: each is checked when read (src/code-cache.ts) and written
// again by a start that finds none it can use.
const results = [result, appResult, daemonResult, ...loaderResults];
const outputs = results.flatMap((each) => Object.keys(each.metafile.outputs)).filter((output) => !output.endsWith('.map'));
if (existsSync(snapshot)) outputs.push(path.relative(root, snapshot));
writeStamp(root, {inputs: results.flatMap((each) => Object.keys(each.metafile.inputs)), outputs, startedMs});
