import type { Container, JSONValue } from '@azure/cosmos';
import type { CaseRecords, Page } from '../app/ports';
import type { CaseRecord } from '../domain/retention';
import { recordOf, type Bounded, type Stored } from './documents';
import { queryPage } from './pages';
import type { CosmosStore } from './cosmos';

/** Every result of a query, page by page (each page its own bounded request). */
export async function queryAll<T>(container: Container, bounded: Bounded, query: string, parameters: Record<string, JSONValue>): Promise<T[]> {
  const out: T[] = [];
  let page: string | null = null;
  do {
    const got: Page<T> = await queryPage<T>(container, bounded, query, parameters, page);
    out.push(...got.items);
    page = got.next;
  } while (page !== null);
  return out;
}

/** Every document in one customer's partition, as stored (the key in the filter too: the embedded server ignores the partition option). */
export function partitionDocs(db: CosmosStore, customerKey: string): Promise<Stored<CaseRecord>[]> {
  return queryAll<Stored<CaseRecord>>(db.containers.cases, db.bounded, 'SELECT * FROM c WHERE c.customerKey = @key', { key: customerKey });
}

/** Everything held about one customer (docs/rules.md#R-export-everything): their partition of `cases`, records only. */
export class CaseRecordStore implements CaseRecords {
  constructor(private readonly db: CosmosStore) {}

  async everything(customerKey: string): Promise<CaseRecord[]> {
    return (await partitionDocs(this.db, customerKey)).map((d) => recordOf(d));
  }
}
