import { digestEntryId, digestPartition, digestWeeks, type DigestRows } from '../../domain/digest';
import { outboxEntry } from '../../domain/outbox';
import type { AppContext } from '../context';
import type { JobReport } from '../jobs';
import { digestMessage, readDigestRows } from './build';

/**
 * The weekly digest (docs/rules.md#R-digest-once): for each subscribed channel, its card queued as ONE outbox entry
 * whose id names the reporting week and the channel, in that week's digest partition. A second run, or a run after a
 * crash between queuing and sending, finds the entry there: it is handed to the dispatcher again if still pending,
 * never queued twice, so each channel gets one digest a week. A channel Teams said is gone (or the bot can no longer
 * reach) ends its subscription instead. Fails on the first error: the scheduler runs the slot again, and what was
 * queued stays queued.
 */
export async function runDigest(ctx: AppContext, slot: Date): Promise<JobReport> {
  const subscriptions = await ctx.subscriptions.all();
  const { isoWeek } = digestWeeks(slot);
  const partition = digestPartition(isoWeek);
  const report = { subscriptions: subscriptions.length, queued: 0, alreadyQueued: 0, ended: 0 };
  // Read once for every channel, and only once a digest is to be made (not on a run that finds them all queued).
  let rows: Promise<DigestRows> | null = null;
  for (const subscription of subscriptions) {
    const conversation = await ctx.conversations.get(subscription.channelKey);
    if (!conversation || conversation.dead) {
      await ctx.subscriptions.end(subscription.channelKey);
      report.ended++;
      continue;
    }
    const id = digestEntryId(isoWeek, subscription.channelKey);
    const queued = await ctx.outbox.read(id, partition);
    if (queued) {
      if (queued.value.status === 'pending') ctx.notify([{ id, customerKey: partition }]);
      report.alreadyQueued++;
      continue;
    }
    rows ??= readDigestRows(ctx, slot);
    const message = await digestMessage(ctx, await rows, slot, subscription.area);
    // No fallback to the case managers: a digest names no customer, and they can do nothing about a channel.
    const to = { kind: 'conversation' as const, conversationKey: subscription.channelKey };
    const entry = outboxEntry(id, partition, to, { kind: 'send', ...message }, ctx.now(), { fallback: false });
    await ctx.outbox.add(partition, [entry]);
    ctx.notify([entry]);
    report.queued++;
  }
  return report;
}
