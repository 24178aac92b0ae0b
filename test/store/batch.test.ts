import { expect } from 'chai';
import type { Container, OperationInput } from '@azure/cosmos';
import { writeTogether } from '../../src/store/batch';
import { PENDING, type StoredVersion } from '../../src/store/documents';

/**
 * The atomic path of writeTogether (Azure's transactional batch, which cannot run here: the embedded server's batch
 * is not atomic, and test/e2e/recovery.test.ts covers that path). A fake container records the one batch it is sent
 * and answers with the statuses Azure would give.
 */
function fakeContainer(statusOf: (op: OperationInput, index: number) => number) {
  const sent: OperationInput[][] = [];
  const container = {
    items: {
      batch: async (operations: OperationInput[]) => {
        sent.push(operations);
        const statuses = operations.map(statusOf);
        // All or nothing: one failure fails the rest with 424, as Azure reports a rolled-back batch.
        const failed = statuses.findIndex((s) => s >= 400);
        return { result: statuses.map((s, i) => ({ statusCode: failed < 0 || i === failed ? s : 424 })) };
      },
    },
  } as unknown as Container;
  return { container, sent };
}

const bounded = () => ({ abortSignal: new AbortController().signal });
const version: StoredVersion = { etag: '"summary-1"', pending: [] };
const write = {
  primary: { id: 'customer', customerKey: 'T1', incidentCount: 2 },
  replacing: version,
  changes: [{ doc: { id: 'UB-1:pairs-visit', customerKey: 'T1', status: 'active' }, ifMatch: '"measure-7"' }],
  effects: [
    { id: 'UB-2', customerKey: 'T1', type: 'incident' },
    { id: 'UB-2:reported', customerKey: 'T1', type: 'audit' },
  ],
};

describe('writeTogether, where batches are atomic', () => {
  it('one batch: the record replaced with its ETag, each change with its own, then the creates; nothing carried', async () => {
    const { container, sent } = fakeContainer(() => 200);
    expect(await writeTogether(container, 'T1', write, true, bounded)).to.equal('written');
    expect(sent).to.have.length(1);
    expect(sent[0]!.map((o) => [o.operationType, 'ifMatch' in o ? o.ifMatch : undefined])).to.deep.equal([
      ['Replace', '"summary-1"'],
      ['Replace', '"measure-7"'],
      ['Create', undefined],
      ['Create', undefined],
    ]);
    expect(JSON.stringify(sent[0]![0])).not.to.include(PENDING);
  });

  it('a record or a changed measure not as read, or a create whose id is taken: changed, so the decision is made again', async () => {
    for (const failing of [0, 1, 2]) {
      const { container } = fakeContainer((_op, i) => (i === failing ? (i === 2 ? 409 : 412) : 200));
      expect(await writeTogether(container, 'T1', write, true, bounded), `failing op ${failing}`).to.equal('changed');
    }
  });

  it('any other refusal is an error, not a silent loss', async () => {
    const { container } = fakeContainer((_op, i) => (i === 3 ? 413 : 200));
    let error: unknown;
    await writeTogether(container, 'T1', write, true, bounded).catch((e: unknown) => (error = e));
    expect(String(error)).to.include('Batch write failed');
  });
});
