// Whether a local TCP port is free for a step that listens on it (a port-forward), and if not, what holds it:
// found through /proc/net/tcp{,6} (the listening socket's inode) and /proc/PID/fd (the process that has it).
import fs from 'node:fs';
import net from 'node:net';

/** Undefined when 127.0.0.1:port can be listened on; else who holds it, in a few words. */
export async function portHolder(port: number): Promise<string | undefined> {
	const code = await new Promise<string | undefined>((resolve) => {
		const server = net.createServer();
		server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
		server.listen({port, host: '127.0.0.1', exclusive: true}, () => server.close(() => resolve(undefined)));
	});
	if (code === undefined) return undefined;
	if (code !== 'EADDRINUSE') return code;
	return describeListener(port) ?? 'another process (not visible to this user)';
}

function listeningInodes(port: number): Set<string> {
	const inodes = new Set<string>();
	const hex = port.toString(16).toUpperCase().padStart(4, '0');
	for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text: string;
		try {
			text = fs.readFileSync(file, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			const fields = line.trim().split(/\s+/);
			// local_address is ADDR:PORT; st 0A is LISTEN; the inode is the 10th field.
			if (fields[1]?.endsWith(`:${hex}`) && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
		}
	}
	return inodes;
}

/** "pid 1234 (kubectl port-forward svc/hubble-ui 8080:80)", or undefined where /proc cannot tell. */
export function describeListener(port: number): string | undefined {
	const inodes = listeningInodes(port);
	if (inodes.size === 0) return undefined;
	let pids: string[];
	try {
		pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
	} catch {
		return undefined;
	}
	for (const pid of pids) {
		let fds: string[];
		try {
			fds = fs.readdirSync(`/proc/${pid}/fd`);
		} catch {
			continue;
		}
		for (const fd of fds) {
			let target: string;
			try {
				target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
			} catch {
				continue;
			}
			const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
			if (inode && inodes.has(inode)) {
				let command = '';
				try {
					command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
				} catch {
					// gone meanwhile
				}
				return `pid ${pid}${command ? ` (${command.length > 120 ? `${command.slice(0, 117)}…` : command})` : ''}`;
			}
		}
	}
	return undefined;
}
