import { expect } from 'chai';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../src/store/embedded';
import { openCosmos, type CosmosStore } from '../../src/store/cosmos';
import { MeasureStore } from '../../src/store/measures';
import { PAGE_SIZE } from '../../src/store/pages';
import { interimPairsVisit, type Measure } from '../../src/domain/measure';
import type { RegisterRecord } from '../../src/domain/register';
import type { Page } from '../../src/app/ports';
import { sampleIncident } from '../support/fixtures';

/** MeasureStore.inForce, what the register reads (docs/rules.md#R-register-export), against the embedded Cosmos server. */
describe('the register’s query (embedded Cosmos)', () => {
  let cosmos: EmbeddedCosmos;
  let db: CosmosStore;
  const IN_FORCE = PAGE_SIZE + 30;
  const measure = (n: number, overrides: Partial<Measure>): Measure => {
    const ref = `UB-RQ${String(n).padStart(3, '0')}-AAA`;
    return {
      ...interimPairsVisit(sampleIncident({ id: ref, reference: ref, customerKey: `T7${String(n).padStart(5, '0')}` }), {
        approverId: 'hos',
        deputyId: null,
      })!,
      ...overrides,
    };
  };

  before(async () => {
    cosmos = await startEmbeddedCosmos();
    db = await openCosmos({ endpoint: cosmos.endpoint, database: 'ubp', timeoutMs: 5000 });
    const docs = [
      ...Array.from({ length: IN_FORCE - 1 }, (_, n) => measure(n, { status: 'active', interim: false })),
      measure(IN_FORCE, {}), // interim, awaiting sign-off: in force (§5.1)
      measure(900, { status: 'pending-sign-off', interim: false }),
      measure(901, { status: 'lifted' }),
      measure(902, { status: 'rejected' }),
      measure(903, { status: 'lapsed' }),
    ];
    await Promise.all(docs.map((doc) => db.containers.cases.items.create(doc)));
  });
  after(async () => {
    db.client.dispose();
    await cosmos.close();
  });

  it('reads active and interim measures page by page, only the fields exported (no reasons, no incident list)', async () => {
    const store = new MeasureStore(db);
    const pages: RegisterRecord[][] = [];
    let page: string | null = null;
    do {
      const got: Page<RegisterRecord> = await store.inForce(10_000, page);
      pages.push(got.items);
      page = got.next;
    } while (page !== null);
    expect(pages.map((p) => p.length)).to.deep.equal([PAGE_SIZE, IN_FORCE - PAGE_SIZE]);
    const all = pages.flat();
    expect(new Set(all.map((r) => r.id)).size).to.equal(IN_FORCE);
    expect(all.every((r) => r.status === 'active' || (r.status === 'pending-sign-off' && r.interim))).to.equal(true);
    const fields = ['customerKey', 'firstIncident', 'id', 'instructions', 'interim', 'kind', 'notifyCustomer', 'proposedAt', 'reviewDue', 'status'];
    for (const r of all) expect(Object.keys(r).sort()).to.deep.equal(fields);
    expect(all.find((r) => r.customerKey === 'T700000')).to.include({ firstIncident: 'UB-RQ000-AAA' });
  });

  it('gives when a Head of Service decided, where one did; TOP stops at the limit', async () => {
    const at = '2026-11-20T12:00:00.000Z';
    const signed = measure(950, { status: 'active', interim: false });
    await db.containers.cases.items.create({
      ...signed,
      signOff: { ...signed.signOff!, decision: { outcome: 'approved', by: { id: 'hos', name: 'H' }, at, reason: null } },
    });
    const store = new MeasureStore(db);
    let found: RegisterRecord | undefined;
    for (let page: string | null = null, first = true; first || page !== null; first = false) {
      const got: Page<RegisterRecord> = await store.inForce(10_000, page);
      found ??= got.items.find((r) => r.id === signed.id);
      page = got.next;
    }
    expect(found).to.include({ decidedAt: at });
    const capped = await store.inForce(5, null);
    expect([capped.items.length, capped.next]).to.deep.equal([5, null]);
  });
});
