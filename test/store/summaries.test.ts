import { expect } from 'chai';
import { useEmbeddedCosmos } from '../support/embedded-cosmos';
import { buildMissingSummaries } from '../../src/store/summaries';
import { CustomerStore } from '../../src/store/customers';
import { interimPairsVisit } from '../../src/domain/measure';
import type { Incident } from '../../src/domain/records';
import { emptySummary, summarise } from '../../src/domain/summary';
import { sampleIncident } from '../support/fixtures';

/** Records written before summaries existed get one at start, once (src/store/summaries.ts). */
describe('building the summaries of customers recorded before summaries existed', () => {
  const cosmos = useEmbeddedCosmos();

  const incident = (customerKey: string, n: number, over: Partial<Incident> = {}): Incident =>
    sampleIncident({
      customerRef: customerKey,
      customerKey,
      id: `UB-OLD-${customerKey.slice(-1)}${n}`,
      reference: `UB-OLD-${customerKey.slice(-1)}${n}`,
      reportedAt: `2026-0${n}-01T10:00:00.000Z`,
      ...over,
    });

  it('builds each missing summary as the writes would have kept it, leaves existing ones, and runs once', async () => {
    const a = [incident('T900001', 1), incident('T900001', 2, { customerName: 'Newest Name' })];
    const marker = interimPairsVisit(a[1]!, { approverId: 'hos', deputyId: null })!;
    const b = [incident('T900002', 3)];
    for (const doc of [...a, marker, ...b]) await cosmos.db.containers.cases.items.create(doc);
    const kept = { ...summarise(emptySummary('T900002'), { incidents: b }), customerName: 'Kept as it was' };
    await cosmos.db.containers.cases.items.create({ ...kept, id: 'customer' });

    expect(await buildMissingSummaries(cosmos.db)).to.equal(1);
    const customers = new CustomerStore(cosmos.db, false);
    const built = await customers.summary('T900001');
    expect(built).to.deep.equal(summarise(emptySummary('T900001'), { incidents: a, created: [marker] }));
    expect(built).to.deep.include({ customerName: 'Newest Name', incidentCount: 2, measureCount: 1 });
    expect(built.markers.map((m) => m.id)).to.deep.equal([marker.id]);
    expect((await customers.summary('T900002')).customerName).to.equal('Kept as it was');

    await cosmos.db.containers.cases.items.create(incident('T900003', 4));
    expect(await buildMissingSummaries(cosmos.db), 'done once, recorded in leases').to.equal(0);
  });
});
