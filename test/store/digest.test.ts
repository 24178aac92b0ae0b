import { expect } from 'chai';
import { useEmbeddedCosmos } from '../support/embedded-cosmos';
import { DigestStore } from '../../src/store/digest';
import { SubscriptionStore } from '../../src/store/subscriptions';
import { ConversationStore } from '../../src/store/conversations';
import { interimPairsVisit } from '../../src/domain/measure';
import type { DigestSubscription, IncidentRow } from '../../src/domain/digest';
import type { Page } from '../../src/app/ports';
import { PAGE_SIZE } from '../../src/store/pages';
import { sampleIncident } from '../support/fixtures';

/** The digest's reads and its subscriptions against the embedded Cosmos server (docs/architecture.md#digest-subscriptions). */
describe('the digest’s store (embedded Cosmos)', () => {
  const cosmos = useEmbeddedCosmos();

  describe('reads', () => {
    const WEEK = ['2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'] as const;
    const incident = (n: number, reportedAt: string) =>
      sampleIncident({ id: `UB-DG${n}-AAA`, reference: `UB-DG${n}-AAA`, customerKey: `T8${String(n).padStart(5, '0')}`, reportedAt });
    /** More incidents in the week than one page holds (PAGE_SIZE), a minute apart, and one either side of it. */
    const IN_WEEK = 250;
    const minute = (n: number) => new Date(Date.parse(WEEK[0]) + n * 60_000).toISOString();
    before(async () => {
      const docs = [
        ...Array.from({ length: IN_WEEK }, (_, n) => incident(n, minute(n))),
        incident(900, '2026-11-22T23:59:59.999Z'),
        incident(901, WEEK[1]),
      ];
      await Promise.all(docs.map((doc) => cosmos.db.containers.cases.items.create(doc)));
    });

    it('page by page with continuation tokens, soonest first, only the fields counted; TOP stops at the limit', async () => {
      const store = new DigestStore(cosmos.db);
      const pages: IncidentRow[][] = [];
      let page: string | null = null;
      do {
        const got: Page<IncidentRow> = await store.incidentsReported(...WEEK, 1000, page);
        pages.push(got.items);
        page = got.next;
      } while (page !== null);
      expect(pages.map((p) => p.length)).to.deep.equal([PAGE_SIZE, PAGE_SIZE, IN_WEEK - 2 * PAGE_SIZE]);
      expect(pages.flat().map((r) => r.reportedAt)).to.deep.equal(Array.from({ length: IN_WEEK }, (_, n) => minute(n)));
      for (const row of pages.flat()) expect(Object.keys(row).sort()).to.deep.equal(['category', 'reportedAt', 'serviceArea']);

      const first = await store.incidentsReported(...WEEK, 120, null);
      const rest = await store.incidentsReported(...WEEK, 120, first.next);
      expect([first.items.length, rest.items.length, rest.next]).to.deep.equal([PAGE_SIZE, 20, null]);
    });

    it('measures of one status from a review date: when each began to wait for sign-off, never its reasons', async () => {
      const pairs = interimPairsVisit(incident(990, '2026-11-21T10:00:00.000Z'), { approverId: 'hos', deputyId: null })!;
      const active = { ...pairs, id: 'UB-DG990-AAA:warning', kind: 'warning' as const, status: 'active' as const, signOff: null };
      for (const doc of [pairs, active]) await cosmos.db.containers.cases.items.create(doc);
      const store = new DigestStore(cosmos.db);
      const waiting = await store.measures('pending-sign-off', '', 100, null);
      expect(waiting.items).to.deep.equal([
        {
          id: pairs.id,
          kind: 'pairs-visit',
          status: 'pending-sign-off',
          interim: true,
          serviceArea: pairs.serviceArea,
          reviewDue: pairs.reviewDue,
          waitingSince: pairs.signOff!.requestedAt,
        },
      ]);
      expect((await store.measures('active', '', 100, null)).items[0]).to.include({ id: active.id, waitingSince: active.proposedAt });
      expect((await store.measures('active', '2099-01-01', 100, null)).items).to.deep.equal([]);
    });
  });

  describe('subscriptions', () => {
    const TEAM = '19:team-a@thread.tacv2';
    const subscription = (channel: string, area: string | null, teamId = TEAM): DigestSubscription => ({
      channelKey: `team:${teamId}:channel:${channel}`,
      teamId,
      area,
      by: { id: 'admin-1', name: 'Alex Wilber' },
      at: '2026-11-26T10:00:00.000Z',
    });

    it('one per channel, whatever characters the channel id holds; saving again replaces it; ended by channel or by team', async () => {
      const store = new SubscriptionStore(cosmos.db);
      const odd = subscription('19:a/b\\c?d#e@thread.tacv2', null);
      await store.save(odd);
      await store.save({ ...odd, area: 'repairs' });
      await store.save(subscription('19:other@thread.tacv2', null));
      await store.save(subscription('19:elsewhere@thread.tacv2', 'income', '19:team-b@thread.tacv2'));
      expect(await store.get(odd.channelKey)).to.deep.equal({ ...odd, area: 'repairs' });
      expect((await store.all()).map((s) => s.channelKey).sort()).to.have.length(3);

      await store.end(odd.channelKey);
      await store.end(odd.channelKey); // none is fine
      expect(await store.get(odd.channelKey)).to.equal(null);
      await store.endTeam(TEAM);
      expect((await store.all()).map((s) => s.teamId)).to.deep.equal(['19:team-b@thread.tacv2']);
    });

    it('lives beside the conversation records, under an id of its own: forgetting a team’s conversations leaves it to endTeam', async () => {
      const TEAM_B = '19:team-b@thread.tacv2';
      await new ConversationStore(cosmos.db).remember(
        `team:${TEAM_B}:channel:19:elsewhere@thread.tacv2`,
        { conversation: { id: 'x' } },
        null,
        new Date(),
      );
      await new ConversationStore(cosmos.db).forgetTeam(TEAM_B);
      const { resources } = await cosmos.db.containers.conversations.items.query<{ id: string }>('SELECT c.id FROM c').fetchAll();
      expect(resources.map((r) => r.id)).to.have.length(1);
      expect(resources[0]!.id).to.match(/^digest-subscription:[0-9a-f]{32}$/);
      expect(await new SubscriptionStore(cosmos.db).get(`team:${TEAM_B}:channel:19:elsewhere@thread.tacv2`)).to.include({ area: 'income' });
    });
  });
});
