import {useEffect, useState} from 'react';

/** Milliseconds since `startedAt` (ISO), ticking while `active`. */
export function useElapsed(startedAt: string | undefined, active: boolean, tickMs = 500): number {
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		if (!active) return;
		setNow(Date.now());
		const timer = setInterval(() => setNow(Date.now()), tickMs);
		return () => clearInterval(timer);
	}, [active, tickMs]);
	return startedAt ? Math.max(0, now - Date.parse(startedAt)) : 0;
}
