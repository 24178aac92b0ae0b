import { expect } from 'chai';
import { digestCommand } from '../../src/app/digest/commands';
import { runDigest } from '../../src/app/digest/job';
import type { Actor, Reply } from '../../src/app/context';
import type { DigestRecords, Directory, DirectoryPerson } from '../../src/app/ports';
import { DIGEST_LIMIT, readDigestRows } from '../../src/app/digest/build';
import { digestEntryId, type DigestSubscription } from '../../src/domain/digest';
import { memoryApp, withMethods, type MemoryApp } from '../support/memory-ports';
import { sampleIncident } from '../support/fixtures';
import { Schedule } from '../../src/jobs/schedule';

/** The digest's use cases over in-memory ports (docs/rules.md#R-digest-subscription, docs/rules.md#R-digest-once). */

const SLOT = new Date('2026-11-30T08:00:00Z');
const ADMIN: Actor = { id: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber', tenantId: 't' };
const TEAM = '19:team@thread.tacv2';
const channel = (name: string) => ({ place: 'team' as const, teamId: TEAM, channelKey: `team:${TEAM}:channel:19:${name}@thread.tacv2` });
const text = (replies: Reply[]) => replies.map((r) => ('text' in r ? r.text : `[card] ${r.summary}`)).join(' | ');

function subscription(name: string, area: string | null = null): DigestSubscription {
  return { channelKey: channel(name).channelKey, teamId: TEAM, area, by: { id: ADMIN.id, name: ADMIN.name }, at: '2026-11-01T09:00:00.000Z' };
}

describe('the weekly digest job (in memory)', () => {
  let app: MemoryApp;
  /** How many times the job read what the digest counts. */
  let reads: number;
  beforeEach(async () => {
    app = await memoryApp(SLOT);
    reads = 0;
    app.ctx.digest = withMethods<DigestRecords>(app.digest, {
      incidentsReported: (from, to, limit) => {
        reads++;
        return app.digest.incidentsReported(from, to, limit);
      },
    });
    app.customers.incidents.set('UB-7K3-M9Q', sampleIncident({ reportedAt: '2026-11-24T10:00:00.000Z', serviceArea: 'repairs' }));
    for (const name of ['general', 'repairs'])
      await app.ctx.conversations.remember(channel(name).channelKey, { conversation: { id: name } }, null, SLOT);
    await app.subscriptions.save(subscription('general'));
    await app.subscriptions.save(subscription('repairs', 'repairs'));
  });

  it('queues one entry per channel, to the channel, in the week’s partition, with no fallback; a second run queues none and reads nothing', async () => {
    expect(await runDigest(app.ctx, SLOT)).to.deep.equal({ subscriptions: 2, queued: 2, alreadyQueued: 0, ended: 0 });
    const entries = app.outbox.entries();
    expect(entries.map((e) => e.id).sort()).to.deep.equal(
      [digestEntryId('2026-W48', channel('general').channelKey), digestEntryId('2026-W48', channel('repairs').channelKey)].sort(),
    );
    for (const e of entries) {
      expect(e).to.include({ customerKey: 'digest:2026-W48', status: 'pending', fallback: false });
      expect(e.recipient.kind).to.equal('conversation');
    }
    expect(app.notified.flat().map((e) => e.id)).to.have.members(entries.map((e) => e.id));
    expect(reads).to.equal(1);

    expect(await runDigest(app.ctx, SLOT)).to.deep.equal({ subscriptions: 2, queued: 0, alreadyQueued: 2, ended: 0 });
    expect(reads, 'nothing read when every digest is queued already').to.equal(1);
    expect(app.notified.flat(), 'pending ones handed to the dispatcher again').to.have.length(4);
  });

  it('an entry already sent is not handed to the dispatcher again', async () => {
    await runDigest(app.ctx, SLOT);
    for (const e of app.outbox.entries()) app.outbox.put({ ...e, status: 'sent' });
    app.notified.length = 0;
    expect(await runDigest(app.ctx, SLOT)).to.include({ alreadyQueued: 2 });
    expect(app.notified).to.deep.equal([]);
  });

  it('a channel marked dead, or no longer known, ends its subscription instead of a digest', async () => {
    await app.ctx.conversations.markDead(channel('general').channelKey, 404, SLOT);
    await app.ctx.conversations.forget(channel('repairs').channelKey);
    expect(await runDigest(app.ctx, SLOT)).to.deep.equal({ subscriptions: 2, queued: 0, alreadyQueued: 0, ended: 2 });
    expect(await app.subscriptions.all()).to.deep.equal([]);
    expect(app.outbox.entries()).to.deep.equal([]);
  });

  it('a list that meets the read limit: the rows are marked incomplete and operators are warned (counts only)', async () => {
    app.ctx.digest = withMethods<DigestRecords>(app.digest, {
      failedNotices: async (_from, _to, limit) => ({
        items: Array.from({ length: limit }, () => ({ createdAt: '2026-11-24T10:00:00.000Z' })),
        next: null,
      }),
    });
    expect((await readDigestRows(app.ctx, SLOT)).incomplete).to.equal(true);
    expect(app.warnings.map((w) => w.fields)).to.deep.include({ list: 'digest: failed notices', limit: DIGEST_LIMIT, read: DIGEST_LIMIT });
    app.ctx.digest = app.digest;
    expect((await readDigestRows(app.ctx, SLOT)).incomplete).to.equal(false);
  });

  it('no subscriptions: nothing read, nothing queued', async () => {
    await app.subscriptions.endTeam(TEAM);
    expect(await runDigest(app.ctx, SLOT)).to.deep.equal({ subscriptions: 0, queued: 0, alreadyQueued: 0, ended: 0 });
    expect(reads).to.equal(0);
  });
});

describe('the digest commands (in memory)', () => {
  let app: MemoryApp;
  beforeEach(async () => {
    app = await memoryApp(SLOT);
  });
  const withAdmins = (admins: DirectoryPerson[]): Directory =>
    withMethods(app.ctx.directory, { isAdmin: async () => false, admins: async () => admins });

  it('names the admins to anyone else: none set up, one, several, and only the first five of many', async () => {
    const asked = async (admins: DirectoryPerson[]) =>
      text(await digestCommand({ ...app.ctx, directory: withAdmins(admins) }, ADMIN, 'digest subscribe', '', channel('general')));
    const people = (k: number) => Array.from({ length: k }, (_, i) => ({ id: `a${i}`, name: `Admin ${i}` }));
    expect(await asked([])).to.include('none are set up yet: ask IT to add administrators');
    expect(await asked(people(1))).to.match(/: ask Admin 0\.$/);
    expect(await asked(people(3))).to.match(/: ask one of Admin 0, Admin 1, Admin 2\.$/);
    expect(await asked(people(8))).to.match(/: ask one of Admin 0, Admin 1, Admin 2, Admin 3, Admin 4 \(and 3 more\)\.$/);
    expect(await app.subscriptions.all()).to.deep.equal([]);
  });

  it('says when the next digest comes from the schedule it runs on (DIGEST_SCHEDULE), not a fixed day', async () => {
    const fridays = new Schedule('30 16 * * 5');
    const said = text(
      await digestCommand({ ...app.ctx, nextDigestAt: (after) => fridays.next(after) }, ADMIN, 'digest subscribe', '', channel('fri')),
    );
    expect(said).to.include('the next on Friday 4 December 2026 at 16:30 (UK time)');
    expect(text(await digestCommand(app.ctx, ADMIN, 'digest subscribe', '', channel('fri')))).to.include(
      'the next on Monday 7 December 2026 at 08:00',
    );
  });

  it('an area by its id or its name, in any case; unsubscribing what is not there says so', async () => {
    expect(text(await digestCommand(app.ctx, ADMIN, 'digest subscribe', 'REPAIRS', channel('x')))).to.include('for Repairs and Maintenance');
    expect(await app.subscriptions.get(channel('x').channelKey)).to.include({ area: 'repairs', teamId: TEAM });
    expect(text(await digestCommand(app.ctx, ADMIN, 'digest unsubscribe', '', channel('x')))).to.include(
      'no longer gets the weekly digest for Repairs and Maintenance (set up by Alex Wilber on 30 Nov 2026)',
    );
    expect(text(await digestCommand(app.ctx, ADMIN, 'digest unsubscribe', '', channel('x')))).to.equal(
      'This channel does not get the weekly digest: there is nothing to stop.',
    );
  });

  it('preview: the card alone for a subscribed channel; for another, every area’s, saying it is not subscribed', async () => {
    await app.subscriptions.save(subscription('income', 'income'));
    expect(text(await digestCommand(app.ctx, ADMIN, 'digest preview', '', channel('income')))).to.equal(
      '[card] Preview: Weekly digest: Income and Tenancy Support, 23–29 Nov',
    );
    expect(text(await digestCommand(app.ctx, ADMIN, 'digest preview', '', channel('other')))).to.equal(
      'This channel does not get the weekly digest yet (type digest subscribe). For every service area, it would be: | [card] Preview: Weekly digest: all service areas, 23–29 Nov',
    );
  });
});
