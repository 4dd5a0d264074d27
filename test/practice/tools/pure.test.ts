import {describe, expect, it} from 'vitest';
import {ArgsError, parseArgs, parseGoDuration} from '../../../src/practice/cloud/args.js';
import {tabwrite, stripAnsi} from '../../../src/practice/cloud/text.js';
import {applyQuery, azJson, formatAzOutput} from '../../../src/practice/cloud/az-output.js';
import {applySet} from '../../../src/practice/cloud/helm-values.js';
import {renderCiliumChart} from '../../../src/practice/cloud/cilium-chart.js';
import {ciliumCrdNames} from '../../../src/practice/cloud/cilium-crds.js';

describe('az argument parsing', () => {
	const specs = {
		resourceGroup: {names: ['--resource-group', '-g'], type: 'value', required: true},
		name: {names: ['--name', '-n'], type: 'value', required: true},
		plugin: {names: ['--network-plugin'], type: 'value', choices: ['azure', 'kubenet', 'none']},
		keys: {names: ['--generate-ssh-keys'], type: 'flag'},
	} as const;
	it('reads long, short and = forms', () => {
		const parsed = parseArgs(['-g', 'yj-rg', '--name=yj-aks', '--network-plugin', 'none', '--generate-ssh-keys'], specs as never, 'az');
		expect(parsed.options).toEqual({resourceGroup: 'yj-rg', name: 'yj-aks', plugin: 'none', keys: true});
	});
	it('names every missing required argument as argparse does', () => {
		expect(() => parseArgs(['-g', 'yj-rg'], specs as never, 'az')).toThrow('the following arguments are required: --name/-n');
		expect(() => parseArgs([], specs as never, 'az')).toThrow('the following arguments are required: --resource-group/-g, --name/-n');
	});
	it('collects unrecognized arguments', () => {
		expect(() => parseArgs(['-g', 'a', '-n', 'b', '--node-cnt', '3'], specs as never, 'az')).toThrow('unrecognized arguments: --node-cnt 3');
	});
	it('refuses an invalid choice and a missing value', () => {
		expect(() => parseArgs(['-g', 'a', '-n', 'b', '--network-plugin', 'calico'], specs as never, 'az')).toThrow(
			"argument --network-plugin: invalid choice: 'calico' (choose from 'azure', 'kubenet', 'none')",
		);
		expect(() => parseArgs(['-g', '-n', 'b'], specs as never, 'az')).toThrow('argument --resource-group/-g: expected one argument');
	});
	it('pflag style fails on the first unknown flag and keeps positionals anywhere', () => {
		const specs = {namespace: {names: ['--namespace', '-n'], type: 'value'}, set: {names: ['--set'], type: 'list'}} as const;
		const parsed = parseArgs(['install', 'cilium', '-n', 'kube-system', 'cilium/cilium', '--set', 'a=1', '--set=b=2'], specs as never, 'pflag');
		expect(parsed.positionals).toEqual(['install', 'cilium', 'cilium/cilium']);
		expect(parsed.options.set).toEqual(['a=1', 'b=2']);
		expect(() => parseArgs(['--nope'], specs as never, 'pflag')).toThrow(new ArgsError('unknown flag: --nope', 'unknown'));
		expect(() => parseArgs(['-x'], specs as never, 'pflag')).toThrow("unknown shorthand flag: 'x' in -x");
	});
	it('parses Go durations', () => {
		expect(parseGoDuration('5m0s')).toBe(300_000);
		expect(parseGoDuration('1m30s')).toBe(90_000);
		expect(parseGoDuration('soon')).toBeUndefined();
	});
});

describe('tabwriter', () => {
	it('aligns blocks of cells as Go text/tabwriter with padding 4', () => {
		const text = tabwrite('a\tbb\tlast\nccc\td\tx\nz\tonly');
		expect(text.split('\n')).toEqual(['a      bb    last', 'ccc    d     x', 'z      only']);
	});
	it('ignores ANSI colours when measuring', () => {
		const text = tabwrite('x\t\u001B[32mOK\u001B[0m\tend\nlonger\tA\tend');
		expect(stripAnsi(text).split('\n')).toEqual(['x         OK    end', 'longer    A     end']);
	});
});

describe('az output', () => {
	const cluster = {name: 'yj-aks', networkProfile: {networkPlugin: 'none'}, agentPoolProfiles: [{count: 3, name: 'nodepool1'}]};
	it('prints JSON with sorted keys and 2-space indent', () => {
		expect(azJson({b: 1, a: {d: 2, c: 3}})).toBe('{\n  "a": {\n    "c": 3,\n    "d": 2\n  },\n  "b": 1\n}');
	});
	it('evaluates the simple JMESPath forms', () => {
		expect(applyQuery(cluster, 'networkProfile.networkPlugin')).toBe('none');
		expect(applyQuery([cluster], '[].name')).toEqual(['yj-aks']);
		expect(applyQuery(cluster, 'agentPoolProfiles[0].count')).toBe(3);
		expect(applyQuery(cluster, '{n: name, plugin: networkProfile.networkPlugin}')).toEqual({n: 'yj-aks', plugin: 'none'});
		expect(applyQuery([cluster], "[?name=='yj-aks'] | length(@)")).toBe(1);
		expect(applyQuery([cluster], "[?name=='x'] | length(@)")).toBe(0);
		expect(() => applyQuery(cluster, '[?')).toThrow("argument --query: invalid jmespath_type value: '[?'");
	});
	it('prints tsv and tables', () => {
		expect(formatAzOutput(cluster, {output: 'tsv', query: 'networkProfile.networkPlugin'})).toBe('none\n');
		expect(formatAzOutput([{name: 'yj-rg', location: 'koreacentral', id: 'x'}], {output: 'table'})).toBe('Location      Name\n------------  -----\nkoreacentral  yj-rg\n');
	});
});

describe('helm values', () => {
	it('applies --set paths with types', () => {
		let values = applySet({}, 'aksbyocni.enabled=true');
		values = applySet(values, 'operator.replicas=1,cluster.name=yj');
		values = applySet(values, 'ipam.operator.clusterPoolIPv4PodCIDRList[0]=192.168.0.0/16');
		expect(values).toEqual({aksbyocni: {enabled: true}, operator: {replicas: 1}, cluster: {name: 'yj'}, ipam: {operator: {clusterPoolIPv4PodCIDRList: ['192.168.0.0/16']}}});
		expect(() => applySet({}, 'novalue')).toThrow('key "novalue" has no value');
	});
});

describe('the cilium 1.16.4 chart', () => {
	const names = (objects: Array<{kind: string; metadata: {name: string}}>) => objects.map(object => `${object.kind}/${object.metadata.name}`);
	it('renders the AKS BYOCNI install of the source document', () => {
		const {objects, notes} = renderCiliumChart({aksbyocni: {enabled: true}, nodeinit: {enabled: true}}, 'kube-system');
		expect(names(objects)).toEqual(
			expect.arrayContaining(['DaemonSet/cilium', 'DaemonSet/cilium-envoy', 'Deployment/cilium-operator', 'DaemonSet/cilium-node-init', 'ConfigMap/cilium-config', 'Service/hubble-peer', 'ServiceAccount/cilium']),
		);
		expect(names(objects)).not.toContain('Deployment/hubble-relay');
		const config = objects.find(object => object.metadata.name === 'cilium-config')!.data as Record<string, string>;
		expect(config).toMatchObject({'routing-mode': 'tunnel', 'tunnel-protocol': 'vxlan', ipam: 'cluster-pool', 'enable-policy': 'default', 'tofqdns-dns-reject-response-code': 'refused'});
		expect(config['tofqdns-min-ttl']).toBeUndefined();
		const operator = objects.find(object => object.kind === 'Deployment' && object.metadata.name === 'cilium-operator')!;
		expect((operator.spec as {replicas: number}).replicas).toBe(2);
		expect(operator.metadata.labels).toMatchObject({'io.cilium/app': 'operator', name: 'cilium-operator'});
		expect(operator.metadata.labels!['k8s-app']).toBeUndefined();
		const agent = objects.find(object => object.kind === 'DaemonSet' && object.metadata.name === 'cilium')!;
		expect((agent.spec as {template: {spec: {hostNetwork?: boolean}}}).template.spec.hostNetwork).toBe(true);
		expect(agent.metadata.labels).toMatchObject({'k8s-app': 'cilium', 'app.kubernetes.io/name': 'cilium-agent'});
		const peer = objects.find(object => object.metadata.name === 'hubble-peer')!;
		expect((peer.spec as {ports: Array<Record<string, unknown>>}).ports[0]).toMatchObject({port: 443, targetPort: 4244});
		expect(notes).toContain('You have successfully installed Cilium with Hubble.');
	});
	it('adds relay and ui, egress gateway and the azure operator when asked', () => {
		const {objects, notes, crdFeatures} = renderCiliumChart({hubble: {relay: {enabled: true}, ui: {enabled: true}}, egressGateway: {enabled: true}, azure: {enabled: true}}, 'kube-system');
		expect(names(objects)).toEqual(expect.arrayContaining(['Deployment/hubble-relay', 'Service/hubble-relay', 'Deployment/hubble-ui', 'Service/hubble-ui', 'ConfigMap/hubble-ui-nginx']));
		const ui = objects.find(object => object.kind === 'Service' && object.metadata.name === 'hubble-ui')!;
		expect((ui.spec as {ports: Array<Record<string, unknown>>}).ports[0]).toMatchObject({name: 'http', port: 80, targetPort: 8081});
		expect((objects.find(object => object.metadata.name === 'cilium-config')!.data as Record<string, string>)['enable-ipv4-egress-gateway']).toBe('true');
		expect(JSON.stringify(objects.find(object => object.kind === 'Deployment' && object.metadata.name === 'cilium-operator'))).toContain('operator-azure');
		expect(notes).toContain('with Hubble Relay and Hubble UI');
		expect(ciliumCrdNames(crdFeatures)).toContain('ciliumegressgatewaypolicies');
	});
	it('fails as the chart does for values it refuses', () => {
		expect(() => renderCiliumChart({aksbyocni: {enabled: true}, routingMode: 'native'}, 'kube-system')).toThrow('Only tunnel routing mode is supported on AKS BYOCNI');
		expect(() => renderCiliumChart({policyEnforcementMode: 'strict'}, 'kube-system')).toThrow('policyEnforcementMode must be one of');
	});
	it('registers the 11 default CRDs', () => {
		expect(ciliumCrdNames({})).toHaveLength(11);
	});
});
