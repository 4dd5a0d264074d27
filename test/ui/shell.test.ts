// The `o` shell as bash really starts it: the learner's ~/.bashrc runs, and the lab's prompt wins over the one it sets.
import {describe, expect, it} from 'vitest';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {SHELL_SCRIPT} from '../../src/ui/controller.js';

describe('the o shell', () => {
	it("sources ~/.bashrc, then sets the lab's prompt", () => {
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-shell-'));
		fs.writeFileSync(path.join(home, '.bashrc'), "PS1='bashrc-prompt> '\nexport FROM_BASHRC=yes\n");
		const out = execFileSync('bash', ['-c', SHELL_SCRIPT], {
			env: {PATH: process.env.PATH, HOME: home, CILIUM_LAB_PS1: '(cilium-lab) \\w \\$ '},
			input: 'echo "prompt=[$PS1] bashrc=$FROM_BASHRC"\nexit\n',
			encoding: 'utf8',
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		expect(out).toContain('prompt=[(cilium-lab) \\w \\$ ] bashrc=yes');
		fs.rmSync(home, {recursive: true, force: true});
	});
});
