import { Template } from 'adaptivecards-templating';
import type { CardData, TemplateName } from './types';
import help from '../../cards/help.json';
import notice from '../../cards/notice.json';
import incidentForm from '../../cards/incident-form.json';
import incidentConfirmation from '../../cards/incident-confirmation.json';
import customerCheck from '../../cards/customer-check.json';
import myReports from '../../cards/my-reports.json';
import signoffRequest from '../../cards/signoff-request.json';
import decision from '../../cards/decision.json';
import signoffOutcome from '../../cards/signoff-outcome.json';
import pending from '../../cards/pending.json';
import reviews from '../../cards/reviews.json';
import caseCard from '../../cards/case.json';
import caseHistory from '../../cards/case-history.json';
import letters from '../../cards/letters.json';
import measureForm from '../../cards/measure-form.json';
import retry from '../../cards/retry.json';
import appealForm from '../../cards/appeal-form.json';
import appealRequest from '../../cards/appeal-request.json';
import digest from '../../cards/digest.json';

/** Every template in cards/, by name. Adaptive Cards 1.5: the newest version Teams renders everywhere. */
export const TEMPLATES = {
  help,
  notice,
  'incident-form': incidentForm,
  'incident-confirmation': incidentConfirmation,
  'customer-check': customerCheck,
  'my-reports': myReports,
  'signoff-request': signoffRequest,
  decision,
  'signoff-outcome': signoffOutcome,
  pending,
  case: caseCard,
  'case-history': caseHistory,
  letters,
  'measure-form': measureForm,
  retry,
  reviews,
  'appeal-form': appealForm,
  'appeal-request': appealRequest,
  digest,
} as const satisfies { [N in TemplateName]: object };
export type { CardData, TemplateName };

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard' };

/** Parsing a template's expressions is the expensive part (tens of ms for the form): do it once per template. */
const prepared = new Map<TemplateName, Template>();

/**
 * Binds a template to its data (typed per template in ./types, so a renamed field fails to compile); a binding left
 * unexpanded (missing data) is a bug, so it throws rather than show `${…}`.
 */
export function renderCard<N extends TemplateName>(name: N, data: CardData[N]): AdaptiveCard {
  let template = prepared.get(name);
  if (!template) prepared.set(name, (template = new Template(TEMPLATES[name])));
  // What people typed may contain "${": shield it so only the template's own unbound expressions fail the check.
  const shield = JSON.stringify(data).includes('${');
  const card = template.expand({ $root: shield ? mapStrings(data, shieldText) : data }) as AdaptiveCard;
  const json = JSON.stringify(card);
  const leftover = json.indexOf('${');
  if (leftover >= 0) throw new Error(`Card ${name} has an unbound expression near ${json.slice(leftover, leftover + 60)}`);
  return shield ? (mapStrings(card, unshieldText) as AdaptiveCard) : card;
}

/**
 * A reversible encoding with no "${" in it: the marker character itself is encoded too, so text that already contains
 * it comes back exactly as typed.
 */
const MARK = '\uE000';
const shieldText = (t: string) => t.replaceAll(MARK, `${MARK}\uE001`).replaceAll('${', `${MARK}\uE002`);
const unshieldText = (t: string) => t.replace(/\uE000([\uE001\uE002])/g, (_m, c: string) => (c === '\uE001' ? MARK : '${'));

function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}
