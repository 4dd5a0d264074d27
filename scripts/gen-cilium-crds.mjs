// Generates assets/crds/<lab version>.json.gz: the CustomResourceDefinitions a Cilium release's operator creates, as
// cilium/cilium ships them in pkg/k8s/apis/cilium.io/client/crds/{v2,v2alpha1}/*.yaml (embedded in the operator by
// pkg/k8s/apis/cilium.io/client/register.go, `//go:embed crds/...`), with the schema version the operator labels them
// with (pkg/k8s/apis/cilium.io/register.go CustomResourceDefinitionSchemaVersion). Each CRD is kept whole (names,
// versions, openAPIV3Schema with its descriptions, printer columns, subresources): validation, pruning and
// `kubectl explain` read it as the API server would. gzip, because the schemas repeat the same selector and port
// rule dozens of times (1.2 MB of YAML a release becomes ~70 kB).
//
// Run with a git directory that has the tag's commit (any clone of cilium/cilium or a fork of it):
//   node scripts/gen-cilium-crds.mjs --git-dir /path/to/cilium/.git --commit <sha> --tag v1.16.4 --version 1.16.4
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {gzipSync} from 'node:zlib';
import {parse} from 'yaml';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const CRD_DIR = 'pkg/k8s/apis/cilium.io/client/crds';
const SCHEMA_VERSION_FILE = 'pkg/k8s/apis/cilium.io/register.go';

const {values} = parseArgs({
	options: {
		'git-dir': {type: 'string'},
		commit: {type: 'string'},
		tag: {type: 'string'},
		version: {type: 'string'},
		note: {type: 'string'},
	},
});
for (const name of ['git-dir', 'commit', 'tag', 'version']) {
	if (!values[name]) {
		process.stderr.write(`usage: node scripts/gen-cilium-crds.mjs --git-dir DIR --commit SHA --tag vX.Y.Z --version X.Y.Z [--note TEXT]\nmissing --${name}\n`);
		process.exit(2);
	}
}
const git = (...args) => execFileSync('git', ['--git-dir', values['git-dir'], ...args], {encoding: 'utf8', maxBuffer: 64 << 20});

const files = git('ls-tree', '-r', '--name-only', values.commit, `${CRD_DIR}/`)
	.split('\n')
	.filter((file) => /\/v2(alpha1)?\/[a-z0-9]+\.yaml$/.test(file))
	.sort();
if (files.length === 0) throw new Error(`no CRD files under ${CRD_DIR} at ${values.commit}`);

const crds = {};
for (const file of files) {
	const crd = parse(git('show', `${values.commit}:${file}`));
	if (crd?.kind !== 'CustomResourceDefinition') throw new Error(`${file} is not a CustomResourceDefinition`);
	if (crds[crd.spec.names.plural]) throw new Error(`${crd.spec.names.plural} is in ${crds[crd.spec.names.plural].file} and ${file}`);
	crds[crd.spec.names.plural] = {file: path.relative(CRD_DIR, file), crd};
}
const schemaVersion = /CustomResourceDefinitionSchemaVersion\s*=\s*"([^"]+)"/.exec(git('show', `${values.commit}:${SCHEMA_VERSION_FILE}`))?.[1];
if (!schemaVersion) throw new Error(`no CustomResourceDefinitionSchemaVersion in ${SCHEMA_VERSION_FILE}`);

const data = {
	source: {repo: 'cilium/cilium', tag: values.tag, commit: values.commit, path: `${CRD_DIR}/{v2,v2alpha1}/*.yaml`, ...(values.note ? {note: values.note} : {})},
	schemaVersion,
	crds,
};
const out = path.join(root, 'assets', 'crds', `${values.version}.json.gz`);
mkdirSync(path.dirname(out), {recursive: true});
// mtime 0 in the gzip header: the same sources give the same bytes.
writeFileSync(out, gzipSync(JSON.stringify(data), {level: 9}));
// The index: each release's schema version and source, so an operator that finds its CRDs already there (a daemon's
// restart) compares labels without reading a set.
const indexFile = path.join(root, 'assets', 'crds', 'index.json');
const index = existsSync(indexFile) ? JSON.parse(readFileSync(indexFile, 'utf8')) : {};
index[values.version] = {schemaVersion, source: data.source};
const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => a.localeCompare(b, 'en', {numeric: true})));
writeFileSync(indexFile, `${JSON.stringify(sorted, null, '\t')}\n`);
process.stdout.write(`${path.relative(root, out)}: ${Object.keys(crds).length} CRDs from cilium/cilium ${values.tag} (${values.commit.slice(0, 12)}), schema version ${schemaVersion}\n`);
