import {describe, expect, it} from 'vitest';
import {ownershipProblem, whoseItLooksLike} from '../../src/session/ownership.js';

const cluster = {kind: 'aksCluster' as const, name: 'yj-aks', group: 'yj-rg'};
const group = {kind: 'resourceGroup' as const, name: 'yj-rg'};
const mine = '0123456789ab';

describe('only what the lab made', () => {
	it('lets the step act on what does not exist yet, or on what carries this home’s tags', () => {
		expect(ownershipProblem('en', {resource: cluster, observed: {exists: false}, homeId: mine, deleting: false})).toBeUndefined();
		expect(ownershipProblem('en', {resource: cluster, observed: {exists: true, tags: {createdBy: 'cilium-lab', 'cilium-lab-home': mine, extra: 'x'}}, homeId: mine, deleting: true})).toBeUndefined();
	});

	it('refuses someone else’s, saying whose it looks like and how to pick another name', () => {
		const text = ownershipProblem('en', {resource: cluster, variable: 'CLUSTER_NAME', observed: {exists: true, tags: {team: 'net', createdBy: 'alice@example.com'}}, homeId: mine, deleting: false});
		expect(text).toBe(
			"AKS cluster yj-aks (resource group yj-rg) already exists and this lab did not make it: it has no createdBy=cilium-lab tag. It looks like alice@example.com's (tag createdBy). The lab does not adopt what is not its own: pick another name (the variables screen, key v, or --set CLUSTER_NAME=new-name).",
		);
		const untagged = ownershipProblem('ko', {resource: group, variable: 'RESOURCE_GROUP_NAME', observed: {exists: true, tags: null}, homeId: mine, deleting: true});
		expect(untagged).toContain('태그가 없어');
		expect(untagged).toContain('--set RESOURCE_GROUP_NAME=');
		expect(untagged).toContain('az 로 직접 지우세요');
	});

	it('refuses another lab home’s, and what az cannot tell', () => {
		expect(ownershipProblem('en', {resource: group, observed: {exists: true, tags: {createdBy: 'cilium-lab', 'cilium-lab-home': 'ffffffffffff'}}, homeId: mine, deleting: true})).toContain(
			'another cilium-lab home made it (cilium-lab-home=ffffffffffff; this home is 0123456789ab)',
		);
		expect(ownershipProblem('en', {resource: group, observed: {error: "ERROR: Please run 'az login' to setup account."}, homeId: mine, deleting: false})).toBe(
			"could not check who made resource group yj-rg (and everything in it) (ERROR: Please run 'az login' to setup account.); the lab acts only on what it can see it made",
		);
	});

	it('names the owner from owner-like tags first, else lists the tags', () => {
		expect(whoseItLooksLike('en', {Owner: 'bob'})).toBe("It looks like bob's (tag Owner).");
		expect(whoseItLooksLike('en', {env: 'prod', cost: 'cc-1'})).toBe('Whose it is is not clear; its tags: env=prod, cost=cc-1.');
		expect(whoseItLooksLike('en', {})).toBe('It has no tags, so whose it is is not clear.');
	});
});
