// The price table behind the cost a confirmation shows before `az aks create` on the real target and the running
// cost each start of the lab reports (src/cost/estimate.ts). Pay-as-you-go list prices of Linux virtual machines
// (the node pool's VMs), in USD per hour, by Azure region (armRegionName).
//
// Where they come from: the Azure Retail Prices API (https://prices.azure.com/api/retail/prices, serviceName
// 'Virtual Machines', priceType 'Consumption', the Linux meter of each armSkuName), as published around `date`. They
// were entered by hand (the machine this table was written on could not reach the API), and the lab does not go
// online for them, so they age and should be re-checked when the table is touched: `verify` gives the query that
// prints today's price of a size in a region. Only East US is listed; other regions are priced at it, and say so. An AKS cluster costs more than its node VMs (OS disks, the load
// balancer, public IPs, the Standard tier's control plane if chosen); the estimate says so.
export interface PriceTable {
	/** When the prices were read (YYYY-MM). */
	date: string;
	source: string;
	currency: 'USD';
	/** USD per VM per hour, by VM size then region. */
	perHour: Record<string, Record<string, number>>;
	/** The region priced when the learner's is not in the table (the estimate names it). */
	referenceRegion: string;
	/** A command that prints today's price: {size} and {region} filled in. */
	verify: string;
}

export const AKS_NODE_PRICES: PriceTable = {
	date: '2024-11',
	source: 'Azure Retail Prices API (prices.azure.com/api/retail/prices), Virtual Machines, Consumption, Linux',
	currency: 'USD',
	referenceRegion: 'eastus',
	perHour: {
		Standard_DS2_v2: {eastus: 0.146},
		Standard_D2s_v3: {eastus: 0.096},
		Standard_D4s_v3: {eastus: 0.192},
		Standard_D2s_v5: {eastus: 0.096},
		Standard_D4s_v5: {eastus: 0.192},
		Standard_D2ds_v5: {eastus: 0.113},
		Standard_D4ds_v5: {eastus: 0.226},
		Standard_D8ds_v5: {eastus: 0.452},
		Standard_B2s: {eastus: 0.0416},
		Standard_B2ms: {eastus: 0.0832},
	},
	verify: `curl -s "https://prices.azure.com/api/retail/prices?\\$filter=serviceName eq 'Virtual Machines' and armSkuName eq '{size}' and armRegionName eq '{region}' and priceType eq 'Consumption'"`,
};
