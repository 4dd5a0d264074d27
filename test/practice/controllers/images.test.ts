// Every image a chart the lab offers deploys can be pulled: the image model (src/practice/controllers/images.ts)
// knows quay.io/cilium's release tags of each offered version (src/practice/versions.ts, cilium/charts index.yaml).
import {describe, expect, it} from 'vitest';
import {lookupImage} from '../../../src/practice/controllers/images.js';
import {CILIUM_RELEASES} from '../../../src/practice/versions.js';

describe('the images of the offered Cilium charts', () => {
	for (const release of CILIUM_RELEASES) {
		it(`Cilium ${release.version}: every image of its chart pulls`, () => {
			for (const image of Object.values(release.images)) {
				const lookup = lookupImage(image as string);
				expect(lookup.ok, `${image}: ${lookup.ok ? '' : lookup.message}`).toBe(true);
			}
		});
	}

	it('a Cilium release that does not exist is not found, as quay.io answers', () => {
		const lookup = lookupImage('quay.io/cilium/cilium:v1.99.0');
		expect(lookup.ok).toBe(false);
		if (!lookup.ok) expect(lookup.code).toBe('NotFound');
	});
});
