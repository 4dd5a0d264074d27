// Bundles the CLI (and the practice cluster's entry points) with esbuild.
// Start-up cost is a feature: unbundled ink + react + client-node take ~1.7 s to import,
// the bundle with client-node split into a lazily loaded chunk starts near 0.3 s.
import {build} from 'esbuild';
import {spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import {STAMP, writeStamp} from './build-stamp.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// The practice daemon imports its parts (API server, streams, controllers, datapath, tools) statically: they are
// in its bundle, and a part that does not resolve fails this build. The CLI reaches the daemon only through
// src/practice/daemon/client.ts, which spawns dist/practice-daemon.js.
const entryPoints = {
	'cilium-lab': 'src/cli.tsx',
	'practice-daemon': 'src/practice/daemon/main.ts',
	'practice-tool': 'src/practice/bin/main.ts',
};

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
		patched = patched.replace(from, to);
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

// No stamp while building: an interrupted build is never taken for a finished one (scripts/start.mjs).
rmSync(path.join(root, STAMP), {force: true});
const startedMs = Date.now();
const result = await build({
	absWorkingDir: root,
	entryPoints,
	outdir: 'dist',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	minify: true,
	sourcemap: 'linked',
	chunkNames: 'chunks/[name]-[hash]',
	alias: {'react-devtools-core': './scripts/empty-module.mjs'},
	define: {
		'process.env.NODE_ENV': '"production"',
		__VERSION__: JSON.stringify(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version),
	},
	// Some CommonJS dependencies call require() for node built-ins.
	banner: {
		js: "import {createRequire as __cr} from 'node:module';const require=__cr(import.meta.url);",
	},
	plugins: [yogaWithoutFetch, fastText],
	logLevel: 'warning',
	metafile: true,
});

// The validated lab of lessons/, for a first start from a fresh lab home (src/lab/cache.ts). Written by the app
// itself (`list` caches the lab it loads), so it is keyed by exactly this build's code.
const snapshot = path.join(root, 'dist', 'lab-snapshot.json');
rmSync(snapshot, {force: true});
const home = mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-build-'));
try {
	const list = spawnSync(process.execPath, [path.join(root, 'dist', 'cilium-lab.js'), 'list', '--lessons', path.join(root, 'lessons')], {
		env: {...process.env, CILIUM_LAB_HOME: home},
		encoding: 'utf8',
	});
	const entries = existsSync(path.join(home, 'cache')) ? readdirSync(path.join(home, 'cache')).filter((name) => name.endsWith('.json')) : [];
	if (list.status === 0 && entries.length === 1) copyFileSync(path.join(home, 'cache', entries[0]), snapshot);
	else process.stderr.write(`build: no dist/lab-snapshot.json (lessons/ does not load: run cilium-lab lint); starts will validate the lessons\n${list.stderr}`);
} finally {
	rmSync(home, {recursive: true, force: true});
}

// Last: what this build was made from, so `npm start` skips the next build when nothing changed (scripts/build-stamp.mjs).
// Source maps are no output a start needs.
const outputs = Object.keys(result.metafile.outputs).filter((output) => !output.endsWith('.map'));
if (existsSync(snapshot)) outputs.push(path.relative(root, snapshot));
writeStamp(root, {inputs: Object.keys(result.metafile.inputs), outputs, startedMs});
