import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {version: string};

describe('the built cilium-lab binary', () => {
	it('prints the package version with --version', () => {
		const out = execFileSync('node', ['dist/cilium-lab.js', '--version'], {encoding: 'utf8'});
		expect(out.trim()).toBe(pkg.version);
	});

	it('prints usage with --help', () => {
		const out = execFileSync('node', ['dist/cilium-lab.js', '--help'], {encoding: 'utf8'});
		expect(out).toContain('Usage:');
	});
});
