import { createHash } from 'node:crypto';
import { parseReference } from '../../domain/reference';
import { auditEvent } from '../../domain/records';
import { serviceAreaById } from '../roles';
import { personOf, type Actor, type AppContext, type Reply } from '../context';
import { mayView } from './access';
import { caseCard } from './views';

/** `case <ref>`: the full case for those with a need to know; every view is audited (docs/rules.md#R-roles-case-view-audited). */
export async function showCase(ctx: AppContext, actor: Actor, args: string): Promise<Reply> {
  const reference = parseReference(args);
  if (!reference) return { text: 'Type case and the incident reference, for example: case UB-7K3-M9Q' };
  const incident = await ctx.incidents.findByReference(reference);
  if (!incident) return { text: `No incident ${reference} is recorded. Check the reference.` };
  const may = await mayView(ctx, actor, incident);
  if (!may.view)
    return {
      text: 'Only the Customer Experience team and the Head of Service for this area can see case details (need-to-know). You can use check <customer ref> before a visit.',
    };
  const now = ctx.now();
  const viewId = createHash('sha256').update(`${actor.id}|${now.toISOString()}|${ctx.newId()}`).digest('hex').slice(0, 16);
  await ctx.audit.append(
    auditEvent(`${reference}:viewed:${viewId}`, incident.customerKey, now, await personOf(ctx, actor), 'case.viewed', reference),
  );
  const file = await ctx.incidents.customerFile(incident.customerKey);
  const area = await serviceAreaById(ctx.directory, incident.serviceArea);
  return { summary: `Case ${reference}`, card: caseCard(incident, area?.name ?? incident.serviceArea, file.measures, may.propose) };
}
