import type { DigestSubscription } from '../../domain/digest';
import { formatUk } from '../../domain/time';
import { weekdayDateTime } from '../../domain/working-days';
import type { CommandName, Where } from '../commands';
import { personOf, type Actor, type AppContext, type Reply } from '../context';
import type { ServiceArea } from '../ports';
import { digestMessage, readDigestRows } from './build';

type DigestCommand = Extract<CommandName, `digest ${string}`>;
type Channel = Extract<Where, { place: 'team' }>;

/** Admins named to someone who may not change a digest: enough to ask one, never a wall of names. */
const NAMED_ADMINS = 5;

/**
 * `digest subscribe [service area]`, `digest unsubscribe` and `digest preview`, typed in a team's channel
 * (docs/rules.md#R-digest-subscription): admins only; anyone else is told who can.
 */
export async function digestCommand(ctx: AppContext, actor: Actor, name: DigestCommand, args: string, channel: Channel): Promise<Reply[]> {
  if (!(await ctx.directory.isAdmin(actor.id))) return [{ text: await onlyAdmins(ctx) }];
  switch (name) {
    case 'digest subscribe':
      return [await subscribe(ctx, actor, channel, args)];
    case 'digest unsubscribe':
      return [await unsubscribe(ctx, channel)];
    case 'digest preview':
      return preview(ctx, channel);
  }
}

async function onlyAdmins(ctx: AppContext): Promise<string> {
  const admins = (await ctx.directory.admins()).map((a) => a.name);
  const what = 'Only the bot’s administrators can change or preview this channel’s weekly digest';
  if (admins.length === 0) return `${what}, and none are set up yet: ask IT to add administrators to the bot’s admin group.`;
  if (admins.length === 1) return `${what}: ask ${admins[0]}.`;
  const more = admins.length > NAMED_ADMINS ? ` (and ${admins.length - NAMED_ADMINS} more)` : '';
  return `${what}: ask one of ${admins.slice(0, NAMED_ADMINS).join(', ')}${more}.`;
}

/** An area by its id or its name, as typed: case and extra spaces do not matter. */
function areaNamed(areas: readonly ServiceArea[], typed: string): ServiceArea | undefined {
  const clean = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
  return areas.find((a) => clean(a.id) === clean(typed) || clean(a.name) === clean(typed));
}

function scopeOf(area: string | null, areas: readonly ServiceArea[]): string {
  return area === null ? 'every service area' : (areas.find((a) => a.id === area)?.name ?? area);
}

/** When the digest comes, from the schedule it really runs on (DIGEST_SCHEDULE), not a promise the settings may break. */
function when(ctx: AppContext): string {
  const next = ctx.nextDigestAt(ctx.now());
  return `as a new post counting the week before${next ? `, the next on ${weekdayDateTime(next)} (UK time)` : ''}`;
}

async function subscribe(ctx: AppContext, actor: Actor, channel: Channel, args: string): Promise<Reply> {
  const areas = await ctx.directory.serviceAreas();
  const area = args === '' ? null : areaNamed(areas, args);
  if (area === undefined) {
    const names = areas.map((a) => `${a.name} (${a.id})`).join(', ');
    return {
      text: `There is no service area “${args.slice(0, 60)}”. Type digest subscribe for every service area, or digest subscribe with one of: ${names}.`,
    };
  }
  const areaId = area?.id ?? null;
  const current = await ctx.subscriptions.get(channel.channelKey);
  const what = scopeOf(areaId, areas);
  if (current?.area === areaId) return { text: `This channel already gets the weekly digest for ${what}, ${when(ctx)}.` };
  const subscription: DigestSubscription = {
    channelKey: channel.channelKey,
    teamId: channel.teamId,
    area: areaId,
    by: await personOf(ctx, actor),
    at: ctx.now().toISOString(),
  };
  await ctx.subscriptions.save(subscription);
  const instead = current ? ` instead of ${scopeOf(current.area, areas)}` : '';
  return {
    text: `Done: this channel now gets the weekly digest for ${what}${instead}, ${when(ctx)}. It has counts only, never a customer’s details. Type digest preview to see it now.`,
  };
}

async function unsubscribe(ctx: AppContext, channel: Channel): Promise<Reply> {
  const current = await ctx.subscriptions.get(channel.channelKey);
  if (!current) return { text: 'This channel does not get the weekly digest: there is nothing to stop.' };
  await ctx.subscriptions.end(channel.channelKey);
  const areas = await ctx.directory.serviceAreas();
  return {
    text: `Done: this channel no longer gets the weekly digest for ${scopeOf(current.area, areas)} (set up by ${current.by.name} on ${formatUk(current.at, false)}).`,
  };
}

/** This channel's digest as the job would make it now (the same code), or every area's if it has none. */
async function preview(ctx: AppContext, channel: Channel): Promise<Reply[]> {
  const now = ctx.now();
  const current = await ctx.subscriptions.get(channel.channelKey);
  const message = await digestMessage(ctx, await readDigestRows(ctx, now), now, current?.area ?? null);
  const reply: Reply = { card: message.card, summary: `Preview: ${message.summary}` };
  if (current) return [reply];
  return [{ text: 'This channel does not get the weekly digest yet (type digest subscribe). For every service area, it would be:' }, reply];
}
