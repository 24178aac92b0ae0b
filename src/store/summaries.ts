import type { Logger } from 'pino';
import type { Measure } from '../domain/measure';
import type { Incident } from '../domain/records';
import { emptySummary, summarise } from '../domain/summary';
import { SUMMARY_ID } from './customers';
import { recordOf, type Stored } from './documents';
import { isConflict } from './errors';
import { once } from './once';
import type { CosmosStore } from './cosmos';

/** Recorded in `leases` once every customer with records has a summary; bump the number to build them again. */
const DONE_ID = 'migration:customer-summaries:1';

/**
 * Builds the summary of every customer whose records were written before summaries existed, once, before the bot
 * serves (`check` reads only the summary: a customer without one would show no markers, a real harm). Each summary is
 * `summarise` over the customer's records in the order they were written, as if each write had kept it in step.
 * Returns how many it built. Run with no other instance serving older code (docs/architecture.md#customer-summary).
 */
export async function buildMissingSummaries(db: CosmosStore, log?: Logger): Promise<number> {
  return (await once(db, DONE_ID, () => build(db, log)))?.built ?? 0;
}

async function build(db: CosmosStore, log?: Logger): Promise<{ built: number }> {
  const { cases } = db.containers;
  const keys = new Set<string>();
  const withSummary = new Set<string>();
  const iterator = cases.items
    .query<{ customerKey: string; type: string }>('SELECT c.customerKey, c.type FROM c WHERE c.type = "incident" OR c.type = "customer"')
    .getAsyncIterator();
  for await (const page of iterator) for (const r of page.resources) (r.type === 'customer' ? withSummary : keys).add(r.customerKey);
  let built = 0;
  for (const key of keys) {
    if (withSummary.has(key)) continue;
    const { resources } = await cases.items
      .query<Stored<Incident | Measure>>(
        {
          query: 'SELECT * FROM c WHERE c.customerKey = @key AND (c.type = "incident" OR c.type = "measure")',
          parameters: [{ name: '@key', value: key }],
        },
        { partitionKey: key },
      )
      .fetchAll();
    const records = resources.map((r) => recordOf<Incident | Measure>(r));
    const summary = summarise(emptySummary(key), {
      incidents: records.filter((r): r is Incident => r.type === 'incident'),
      created: records.filter((r): r is Measure => r.type === 'measure'),
    });
    try {
      await cases.items.create({ ...summary, id: SUMMARY_ID });
      built++;
    } catch (error) {
      if (!isConflict(error)) throw error; // another instance built it
    }
  }
  if (built > 0) log?.info({ built }, 'built the summaries of customers recorded before summaries existed');
  return { built };
}
