import {describe, expect, it} from 'vitest';
import {otherName, ownershipProblem, whoseItLooksLike} from '../../src/session/ownership.js';

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
			"AKS cluster yj-aks (resource group yj-rg) already exists and this lab did not make it: it has no createdBy=cilium-lab tag. It looks like alice@example.com's (tag createdBy). The lab does not adopt what is not its own: pick another name, for example yj-aks-012345 (the variables screen, key v, CLUSTER_NAME; or --set CLUSTER_NAME=yj-aks-012345).",
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

	it('refuses to delete the lab’s own resource group while it holds what the lab did not make, saying whose', () => {
		const ours = {createdBy: 'cilium-lab', 'cilium-lab-home': mine};
		const contents = [
			{name: 'yj-aks', type: 'Microsoft.ContainerService/managedClusters', tags: ours},
			{name: 'bob-vm', type: 'Microsoft.Compute/virtualMachines', tags: {owner: 'bob'}},
			{name: 'db', type: 'Microsoft.Sql/servers', tags: null},
		];
		expect(ownershipProblem('en', {resource: group, observed: {exists: true, tags: ours, contents}, homeId: mine, deleting: true})).toBe(
			"resource group yj-rg (and everything in it) was made by this lab, but it holds 2 resource(s) this lab did not make: bob-vm (Microsoft.Compute/virtualMachines): It looks like bob's (tag owner). db (Microsoft.Sql/servers): It has no tags, so whose it is is not clear. Deleting the group would delete them too, so the lab does not. Leave them to their owner, or, if they are yours to delete, delete them yourself with az first.",
		);
		expect(ownershipProblem('en', {resource: group, observed: {exists: true, tags: ours, contents: contents.slice(0, 1)}, homeId: mine, deleting: true})).toBeUndefined();
	});

	it('offers a concrete other name: the name with this lab home’s short id', () => {
		expect(otherName('yj-aks', mine)).toBe('yj-aks-012345');
		expect(otherName('yj-aks-012345', mine)).toBe('yj-aks-0123452');
		expect(otherName('x'.repeat(70), mine)).toHaveLength(63);
		expect(ownershipProblem('ko', {resource: cluster, variable: 'CLUSTER_NAME', observed: {exists: true, tags: null}, homeId: mine, deleting: false})).toContain('--set CLUSTER_NAME=yj-aks-012345');
	});

	it('names the owner from owner-like tags first, else lists the tags', () => {
		expect(whoseItLooksLike('en', {Owner: 'bob'})).toBe("It looks like bob's (tag Owner).");
		expect(whoseItLooksLike('en', {env: 'prod', cost: 'cc-1'})).toBe('Whose it is is not clear; its tags: env=prod, cost=cc-1.');
		expect(whoseItLooksLike('en', {})).toBe('It has no tags, so whose it is is not clear.');
	});
});
