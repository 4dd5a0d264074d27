// The step view's arithmetic: row budgets, wrapping that never breaks a command or code, tabs, the footer's rows.
import {describe, expect, it} from 'vitest';
import {execFileSync} from 'node:child_process';
import stringWidth from 'string-width';
import {allocateRows, clip, expandTabs, fitsTerminal, inlineMarkdown, joinParagraphs, packKeys, truncateRow, wrapCommand, wrapText} from '../../src/ui/layout.js';
import {readablePattern} from '../../src/ui/components/CheckList.js';
import {renderMarkdown} from '../../src/ui/markdown.js';
import {stripVTControlCharacters} from 'node:util';

describe('allocateRows', () => {
	it('gives every region its minimum, then what each wants in priority order, never more than the total', () => {
		const sizes = allocateRows(20, [
			{id: 'checks', min: 2, want: 5},
			{id: 'output', min: 4, want: 12},
			{id: 'body', min: 4, want: 40},
		]);
		expect(sizes).toEqual({checks: 5, output: 11, body: 4});
		expect(Object.values(sizes).reduce((a, b) => a + b)).toBe(20);
	});

	it('leaves out a region whose minimum no longer fits, and the rest still add up to at most the total', () => {
		const sizes = allocateRows(6, [
			{id: 'a', min: 3, want: 3},
			{id: 'b', min: 4, want: 9},
			{id: 'c', min: 2, want: 2},
		]);
		expect(sizes).toEqual({a: 3, b: 0, c: 2});
		for (const total of [0, 1, 5, 13, 30]) {
			const all = allocateRows(total, [
				{id: 'a', min: 3, want: 8},
				{id: 'b', min: 4, want: 9},
				{id: 'c', min: 2, want: 20},
			]);
			expect(Object.values(all).reduce((x, y) => x + y)).toBeLessThanOrEqual(total);
		}
	});

	it('a region that wants less than its minimum gets what it wants', () => {
		expect(allocateRows(10, [{id: 'hints', min: 2, want: 1}])).toEqual({hints: 1});
	});
});

describe('wrapText', () => {
	it('keeps glued code whole and wraps at spaces to the width', () => {
		const rows = wrapText(inlineMarkdown('Delete the policy by its name: `kubectl -n demo delete cnp allow-egress-to-specific-domain` and go on.'), 70);
		expect(rows.some((row) => row.includes('kubectl -n demo delete cnp allow-egress-to-specific-domain'))).toBe(true);
		for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(70);
		// Without the glue the same text breaks inside the command.
		const unglued = wrapText('Delete the policy by its name: kubectl -n demo delete cnp allow-egress-to-specific-domain and go on.', 70);
		expect(unglued.some((row) => row.includes('kubectl -n demo delete cnp allow-egress-to-specific-domain'))).toBe(false);
	});

	it('never breaks a URL that fits a row', () => {
		const rows = wrapText('Related link: https://docs.cilium.io/en/stable/installation/k8s-install-helm/ for the chart', 70);
		expect(rows.some((row) => row.includes('https://docs.cilium.io/en/stable/installation/k8s-install-helm/'))).toBe(true);
	});

	it('breaks glued code wider than a row at its own spaces, never inside a URL', () => {
		const url = 'https://kubernetes.github.io/ingress-nginx';
		const command = `helm upgrade --install ingress-nginx ingress-nginx --repo ${url} --namespace ingress-nginx --create-namespace`;
		for (const width of [50, 60, 76]) {
			const rows = wrapText(inlineMarkdown(`For example: \`${command}\``), width, {hang: 2});
			expect(rows.some((row) => row.includes(url)), rows.join('\n')).toBe(true);
			// Every word whole: the rows joined at their breaks give the text back.
			expect(rows.map((row) => row.trim()).join(' ')).toBe(`For example: ${command}`);
			for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(width);
		}
	});

	it('counts Korean as two columns and hangs continuation rows', () => {
		const rows = wrapText('힌트 1/2 설치한 뒤 새 터미널을 열거나 hash -r 로 셸의 명령 캐시를 비운다. 그 다음 다시 실행한다.', 30, {hang: 4});
		for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(30);
		expect(rows.slice(1).every((row) => row.startsWith('    '))).toBe(true);
	});

	it('turns tabs into spaces at 8-column stops', () => {
		expect(expandTabs('NAME\tCHART VERSION\tAPP')).toBe('NAME    CHART VERSION   APP');
		expect(wrapText('a\tb', 20)).toEqual(['a       b']);
	});
});

describe('wrapCommand', () => {
	it('breaks a long command between words, outside quotes, with a continuation the shell joins back', () => {
		const script = 'az aks create --resource-group "$RESOURCE_GROUP_NAME" --name "$CLUSTER_NAME" --location "$LOCATION" --network-plugin none --node-count 2 --generate-ssh-keys';
		const rows = wrapCommand(script, 60);
		expect(rows.length).toBeGreaterThan(1);
		for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(60);
		expect(rows[0]!.startsWith('$ az aks create')).toBe(true);
		expect(rows.slice(0, -1).every((row) => row.endsWith(' \\'))).toBe(true);
		// Pasted into bash, the rows are the same words.
		const pasted = rows.map((row) => row.slice(2)).join('\n');
		const words = (text: string) => execFileSync('bash', ['-c', `RESOURCE_GROUP_NAME=rg CLUSTER_NAME=c LOCATION=l; printf '%s\\n' ${text.replace(/^az /, '')}`], {encoding: 'utf8'});
		expect(words(pasted)).toBe(words(script));
	});

	it('cuts a word wider than the row with a bare backslash, which the shell removes', () => {
		const url = 'https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3-and-a-very-long-tail';
		const rows = wrapCommand(`curl -fsSL ${url}`, 40);
		for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(40);
		const pasted = rows.map((row) => row.slice(2)).join('\n');
		expect(execFileSync('bash', ['-c', `printf '%s\\n' ${pasted.replace(/^curl -fsSL/, '')}`], {encoding: 'utf8'}).trim()).toBe(url);
	});

	it('keeps short lines as they are, each source line its own row', () => {
		expect(wrapCommand('kubectl version --client\nhelm version', 80)).toEqual(['$ kubectl version --client', '  helm version']);
	});
});

describe('packKeys', () => {
	it('packs the footer into rows no wider than the terminal', () => {
		const keys = ['↑/↓ scroll', 'r run', 'c check', 's solve', 'h hint', 'e explain', 'o shell', 'n next', 'l lessons', '? help', 'q quit'].map((text) => {
			const [key, ...label] = text.split(' ');
			return {keys: key!, label: label.join(' ')};
		});
		const rows = packKeys(keys, 80);
		expect(rows.length).toBe(2);
		for (const row of rows) expect(stringWidth(row.map((key) => `${key.keys} ${key.label}`).join('  '))).toBeLessThanOrEqual(80);
		expect(packKeys(keys, 100).length).toBe(1);
	});
});

describe('small texts', () => {
	it('inline Markdown loses its markers', () => {
		expect(inlineMarkdown('**Bring your own CNI**: create with `--network-plugin none`, see [docs](https://x.io/a).').replaceAll('\u00a0', ' ')).toBe(
			'Bring your own CNI: create with --network-plugin none, see docs (https://x.io/a).',
		);
	});

	it('joins a hard-wrapped paragraph and keeps paragraphs apart', () => {
		expect(joinParagraphs('one\ntwo\n\nthree\n  four\n')).toBe('one two\n\nthree four');
	});

	it('a row cut to the width ends in an ellipsis', () => {
		expect(truncateRow('abcdefghij', 5)).toBe('abcd…');
		expect(truncateRow('가나다라', 5)).toBe('가나…');
	});

	it('clip keeps a last row saying how many were left out', () => {
		expect(clip(['a', 'b', 'c', 'd'], 3, (hidden) => `+${hidden}`)).toEqual(['a', 'b', '+2']);
		expect(clip(['a'], 3, (hidden) => `+${hidden}`)).toEqual(['a']);
	});

	it('80×24 is the smallest terminal the lab draws in', () => {
		expect(fitsTerminal(80, 24)).toBe(true);
		expect(fitsTerminal(79, 40)).toBe(false);
		expect(fitsTerminal(120, 23)).toBe(false);
	});

	it('a check label shows a regex as written and plain text as text', () => {
		expect(readablePattern('^Succeeded\\s*$')).toBe('^Succeeded\\s*$');
		expect(readablePattern('^Client Version: v1\\.')).toBe('Client Version: v1.');
		expect(readablePattern('v3\\.')).toBe('v3.');
	});
});

describe('Markdown', () => {
	it('joins hard-wrapped paragraphs before wrapping them once, in Korean too', () => {
		const text = renderMarkdown('**aks-managed 트랙:** Azure CNI powered by Cilium 만으로는 ToFQDNs 를 쓸 수 없다. 4번 레슨에서 ACNS 를 켰어야\n이 레슨의 정책이 동작한다.\n', 78, false);
		expect(text.split('\n')).toEqual(['aks-managed 트랙: Azure CNI powered by Cilium 만으로는 ToFQDNs 를 쓸 수 없다.', '4번 레슨에서 ACNS 를 켰어야 이 레슨의 정책이 동작한다.']);
	});

	it('breaks inline code wider than the room at its spaces, not inside a URL (a list item, as the lessons have)', () => {
		const text = renderMarkdown('* Linux (kubectl): `curl -LO "https://dl.k8s.io/release/$(curl -L -s https://dl.k8s.io/release/stable.txt)/bin/linux/amd64/kubectl" && sudo install -m 0755 kubectl /usr/local/bin/kubectl`\n', 78, true);
		const rows = text.split('\n').map((row) => stripVTControlCharacters(row));
		expect(rows.some((row) => row.includes('https://dl.k8s.io/release/stable.txt)/bin/linux/amd64/kubectl"'))).toBe(true);
		expect(rows.some((row) => /https:\/\/$/.test(row.trimEnd()))).toBe(false);
		for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(78);
	});

	it('never breaks inline code at its spaces', () => {
		const text = renderMarkdown('After applying, the document also has `kubectl -n demo delete CiliumNetworkPolicy demo`, but there is none.', 60, false);
		expect(text).toContain('`kubectl -n demo delete CiliumNetworkPolicy demo`');
		for (const row of text.split('\n')) expect(stringWidth(row)).toBeLessThanOrEqual(60);
	});
});
