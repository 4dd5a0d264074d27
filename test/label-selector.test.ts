// The one label-selector parser (src/label-selector.ts), read as the Kubernetes API server reads selectors; the
// practice API server turns its errors into a 400 BadRequest Status.
import {describe, expect, it} from 'vitest';
import {LabelSelectorError, parseLabelSelector} from '../src/label-selector.js';
import {parseLabelSelectorOrBadRequest} from '../src/practice/api/selectors.js';
import {StatusError} from '../src/practice/types.js';

const web = {app: 'web', tier: 'frontend', replicas: '3'};
const canary = {app: 'web', tier: 'frontend', canary: 'true'};
const bare = {};
/** Which of the three label sets `selector` picks. */
const picks = (selector: string) => Object.entries({web, canary, bare}).filter(([, labels]) => parseLabelSelector(selector)(labels)).map(([name]) => name);

describe('parseLabelSelector', () => {
	it('matches everything with an empty selector', () => {
		expect(picks('')).toEqual(['web', 'canary', 'bare']);
		expect(picks('  ')).toEqual(['web', 'canary', 'bare']);
		expect(parseLabelSelector(undefined)(undefined)).toBe(true);
	});

	it('equality terms: = and == need the label, != also holds without it', () => {
		expect(picks('app=web')).toEqual(['web', 'canary']);
		expect(picks('app == web')).toEqual(['web', 'canary']);
		expect(picks('tier!=frontend')).toEqual(['bare']);
		expect(picks('canary!=true')).toEqual(['web', 'bare']);
		expect(picks('app=')).toEqual([]);
	});

	it('set terms: in needs the label with one of the values, notin also holds without it', () => {
		expect(picks('tier in (frontend, backend)')).toEqual(['web', 'canary']);
		expect(picks('tier in(backend)')).toEqual([]);
		expect(picks('tier notin (frontend)')).toEqual(['bare']);
		expect(picks('tier notin (backend,db)')).toEqual(['web', 'canary', 'bare']);
		expect(parseLabelSelector('env in (prod,)')({env: ''})).toBe(true);
	});

	it('existence terms: key and !key', () => {
		expect(picks('canary')).toEqual(['canary']);
		expect(picks('!canary')).toEqual(['web', 'bare']);
		expect(picks('! canary')).toEqual(['web', 'bare']);
	});

	it('all terms must hold, commas inside parentheses belong to the set', () => {
		expect(picks('app=web,tier in (frontend,backend),!canary')).toEqual(['web']);
		expect(picks('app in (web, api), canary')).toEqual(['canary']);
	});

	it('numeric terms compare integers, and never match a label that is not one', () => {
		expect(picks('replicas>2')).toEqual(['web']);
		expect(picks('replicas < 3')).toEqual([]);
		expect(parseLabelSelector('replicas>2')({replicas: 'many'})).toBe(false);
	});

	it('keys may carry a DNS prefix', () => {
		expect(parseLabelSelector('app.kubernetes.io/name=cilium')({'app.kubernetes.io/name': 'cilium'})).toBe(true);
		expect(parseLabelSelector('!io.cilium/app')({})).toBe(true);
	});

	it.each([
		['tier in ()', "values set can't be empty"],
		['app=web,,tier=db', "expected: identifier after ','"],
		['app=web,', "expected: identifier after ','"],
		[',app=web', 'expected: !, identifier'],
		['app=we b', "found 'app=we b'"],
		['tier in (a', "found 'tier in (a'"],
		['app=a=b', "found 'app=a=b'"],
		['replicas>two', 'must be an integer'],
		['-app=web', 'invalid label key "-app"'],
		['app=web-', 'invalid label value: "web-"'],
		[`app=${'x'.repeat(64)}`, 'invalid label value'],
	])('refuses %j as the API server does (%s)', (selector, why) => {
		expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
		expect(() => parseLabelSelector(selector)).toThrow(why);
	});
});

describe('parseLabelSelectorOrBadRequest (the practice API server)', () => {
	it('gives the same matcher, and a 400 BadRequest Status for a selector it refuses', () => {
		expect(parseLabelSelectorOrBadRequest('tier notin (db)')(web)).toBe(true);
		let refused: unknown;
		try {
			parseLabelSelectorOrBadRequest('tier in ()');
		} catch (error) {
			refused = error;
		}
		expect(refused).toBeInstanceOf(StatusError);
		expect(refused).toMatchObject({code: 400, reason: 'BadRequest', message: "unable to parse requirement: for 'in', 'notin' operators, values set can't be empty"});
	});
});
