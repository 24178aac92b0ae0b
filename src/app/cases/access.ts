import type { Incident } from '../../domain/records';
import { rolesOf, serviceAreaById } from '../roles';
import type { Actor, AppContext } from '../context';

/** Case managers see every case; a Head of Service (or deputy) sees their service area's (§3; docs/rules.md#R-roles-case-view). */
export async function mayView(ctx: AppContext, actor: Actor, incident: Incident): Promise<{ view: boolean; propose: boolean }> {
  const roles = await rolesOf(ctx.directory, actor.id);
  const area = await serviceAreaById(ctx.directory, incident.serviceArea);
  const headOfArea = !!area && (area.headOfService === actor.id || area.deputy === actor.id);
  return { view: roles.has('case-manager') || headOfArea, propose: roles.has('case-manager') };
}
