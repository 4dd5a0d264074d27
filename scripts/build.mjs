// Bundles the CLI (and the practice cluster's entry points) with esbuild.
// Start-up cost is a feature: unbundled ink + react + client-node take ~1.7 s to import,
// the bundle with client-node split into a lazily loaded chunk starts near 0.3 s.
import {build} from 'esbuild';
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import {readFileSync} from 'node:fs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entryPoints = {'cilium-lab': 'src/cli.tsx'};
const optional = {
	'practice-daemon': 'src/practice/daemon/main.ts',
	'practice-tool': 'src/practice/bin/main.ts',
};
for (const [name, file] of Object.entries(optional)) {
	if (existsSync(path.join(root, file))) entryPoints[name] = file;
}

await build({
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
	logLevel: 'warning',
});
