import { Template } from 'adaptivecards-templating';
import help from '../../cards/help.json';
import notice from '../../cards/notice.json';
import incidentForm from '../../cards/incident-form.json';
import incidentConfirmation from '../../cards/incident-confirmation.json';
import customerCheck from '../../cards/customer-check.json';
import myReports from '../../cards/my-reports.json';

/** Every template in cards/, by name. Adaptive Cards 1.5: the newest version Teams renders everywhere. */
export const TEMPLATES = {
  help,
  notice,
  'incident-form': incidentForm,
  'incident-confirmation': incidentConfirmation,
  'customer-check': customerCheck,
  'my-reports': myReports,
} as const;
export type TemplateName = keyof typeof TEMPLATES;

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard' };

/** Binds a template to data; a binding left unexpanded (missing data) is a bug, so it throws rather than show `${…}`. */
export function renderCard(name: TemplateName, data: object): AdaptiveCard {
  const card = new Template(TEMPLATES[name]).expand({ $root: data }) as AdaptiveCard;
  const json = JSON.stringify(card);
  const leftover = json.indexOf('${');
  if (leftover >= 0) throw new Error(`Card ${name} has an unbound expression near ${json.slice(leftover, leftover + 60)}`);
  return card;
}
