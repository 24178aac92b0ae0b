import { MEASURE_KINDS, type Measure } from '../../domain/measure';
import { renderCard } from '../../cards/render';
import { brief } from '../../domain/text';
import { mayDecide } from '../../domain/signoff';
import type { Actor, AppContext, Reply } from '../context';
import { APPEALS_LISTED, pendingAppeals } from '../appeals/views';

/** A name as the list shows it: directory names are short; one the channel sent may be up to 256 characters. */
const NAME_SHOWN = 40;

/** `pending`: what awaits my sign-off, and the appeals awaiting my decision (§7), overdue ones first and marked. */
export async function pendingForMe(ctx: AppContext, actor: Actor): Promise<Reply> {
  const [asked, appeals] = await Promise.all([
    ctx.measures.awaitingSignOffBy(actor.id),
    ctx.appeals.awaitingDecisionBy(actor.id, APPEALS_LISTED + 1),
  ]);
  // Only what this person may still decide (independence is checked again: docs/rules.md#R-signoff-independent).
  const measures = asked.filter((m) => mayDecide(m, actor.id));
  const others = await Promise.all(measures.map((m) => otherDecider(ctx, m, actor.id)));
  const now = ctx.now().getTime();
  return {
    summary: `${measures.length} awaiting your sign-off${appeals.length ? ', and appeals to decide' : ''}`,
    card: renderCard('pending', {
      items: measures.map((m, i) => {
        const days = Math.floor((now - new Date(m.proposedAt).getTime()) / 86_400_000);
        const who = others[i] ? `you or ${brief(others[i], NAME_SHOWN)} may decide` : 'you decide';
        return {
          measureId: m.id,
          customerKey: m.customerKey,
          measureLabel: signOffStatusLabel(m),
          age: `Waiting ${days === 0 ? 'since today' : `${days} day${days === 1 ? '' : 's'}`} · proposed by ${brief(m.proposedBy.name, NAME_SHOWN)} · ${who}`,
        };
      }),
      ...pendingAppeals(appeals, ctx.now()),
    }),
  };
}

function signOffStatusLabel(m: Measure): string {
  return `${MEASURE_KINDS[m.kind].label}${m.interim ? ' (interim)' : ''}${m.signOff?.reasons.includes('no-notification') ? ', customer not to be told' : ''}`;
}

/** The other person asked to decide with this one, by name; null when they decide alone. */
async function otherDecider(ctx: AppContext, m: Measure, me: string): Promise<string | null> {
  const other = m.signOff?.approverId === me ? m.signOff.deputyId : (m.signOff?.approverId ?? null);
  return other ? ((await ctx.directory.person(other))?.name ?? 'a Head of Service') : null;
}
