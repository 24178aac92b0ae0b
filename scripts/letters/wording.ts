import type { LetterKind } from '../../src/domain/letters';
import type { Paragraph, Style } from './docx';

/**
 * The first wording of every letter template (docs/letters.md): plain British English, with docxtemplater tags for the
 * values src/domain/letters.ts gives. A section is `{#name}` … `{/name}`, each tag alone in its paragraph, so a section
 * left out leaves no blank line. Once generated, the policy team edits the .docx in Word; this is only where they start.
 */

const para =
  (style: Style) =>
  (...texts: string[]): Paragraph[] =>
    texts.map((text) => ({ style, text }));
const p = para('Normal');
const h = para('Heading1');
const bullet = para('ListBullet');
const quote = para('Quote');

/** A section shown only when its value is true, an object or a non-empty list (a list repeats it). */
const section = (tag: string, ...body: Paragraph[][]): Paragraph[] => [...p(`{#${tag}}`), ...body.flat(), ...p(`{/${tag}}`)];

const OMBUDSMAN = ['website: www.housing-ombudsman.org.uk', 'telephone: 0300 111 3000'];

const opening = (heading: string): Paragraph[] => [
  { style: 'Title', text: 'Calico Homes' },
  ...p('Private and confidential'),
  {
    style: 'Placeholder',
    text: '[ADDRESS BLOCK: added by the housing management system’s mail merge. Do not type an address here: none is stored with the case.]',
  },
  ...p('Our reference: {customerRef}', 'Date: {letterDate}', 'Dear {customerName}'),
  ...h(heading),
];

const closing: Paragraph[] = [
  ...h('If you need this letter in another way'),
  ...p(
    'If you would like this letter in large print, in another format or language, or read to you, or if you would like someone to help you deal with us, please contact us and we will make a reasonable adjustment.',
    'Yours sincerely',
    'Customer Experience Team',
    'Calico Homes',
  ),
  ...section('advocate', p('Copy to: {name}')),
];

/** §5.1–§5.3: the incidents relied on, by date, how and behaviour; never the account of what happened. */
const incidents = (intro: string): Paragraph[] => [
  ...h('What happened'),
  ...p(intro),
  ...section(
    'incidents',
    bullet(
      '{date}, {how} (our reference {reference}). {category}: {behaviours}.{#circumstances} We also recorded: {list}.{/circumstances}{#actions} At the time, we {done}.{/actions}',
    ),
  ),
  ...section(
    'earlierIncidents',
    p('We are also relying on {count} earlier incidents, which are on your record. We can give you details on request.'),
  ),
];

/** §5.2: the breach of the tenancy agreement, quoted as the policy quotes it. */
const tenancyClause = section(
  'aggression',
  h('Your tenancy agreement'),
  p('Aggressive or abusive behaviour towards our colleagues is a breach of your tenancy agreement, which says:'),
  quote(
    '“Tenant’s responsibilities',
    '3.1 Violence, domestic violence, anti-social behaviour and hate crime.',
    '3.1.1 You must not behave (or threaten to behave or encourage anyone else to do so) in a violent, menacing, threatening or abusive manner:',
    '- In your home or in its locality towards any person who is lawfully in or in the locality of your home, including your neighbours, other members of your household and our staff, agents and contractors',
    '- In our offices, and their locality towards any person who is lawfully in or in the locality of our offices, including your neighbours and our staff, agents and contractors',
    '- In any other place towards our staff, agents, and contractors.”',
  ),
);

/** §5.2 and §5.3: the potential consequences a warning names. */
const consequences: Paragraph[] = [
  ...h('What may happen if the behaviour continues'),
  ...section(
    'aggression',
    p(
      'If aggressive or abusive behaviour continues, we will end phone calls and end visits or meetings. We may also take further action under our Unacceptable Behaviour Policy or your tenancy agreement, such as arranging that all visits and meetings with you take place in pairs.',
    ),
  ),
  ...section(
    'demandsOrPersistence',
    p('If the behaviour continues, we may take action such as:'),
    bullet(
      'giving you a single point of contact;',
      'limiting contact to one form only, such as writing, email or telephone;',
      'limiting contact to certain times, or to a set number of times a week or month;',
      'declining to consider an issue further unless you give us new evidence or information;',
      'only considering a certain number of issues in a set period;',
      'agreeing to communicate with you through an appropriate third party.',
    ),
  ),
  ...p('We will always make sure there is at least one way you can contact us.'),
];

/** §4.3: a customer pursuing a complaint without new information is reminded of the Customer Feedback Policy and the Ombudsman. */
const feedbackReminder = section(
  'feedbackReminder',
  h('If you are unhappy with the outcome of a complaint'),
  p(
    'If you remain unhappy with how we dealt with your complaint, our Customer Feedback Policy explains what you can do. You can also contact the Housing Ombudsman Service:',
  ),
  bullet(...OMBUDSMAN),
);

/** What is decided and what stays open, per kind of measure (§5.1, §5.3, §6, §4.1); each letter's section opens for its kind. */
const DECIDED = {
  warning: section(
    'warning',
    h('What this warning means'),
    p('This letter is a formal warning. We have not limited how you contact us. We will keep a record of this warning until we review it.'),
  ),
  pairsVisit: section(
    'pairsVisit',
    h('What we have decided'),
    p(
      'From now on, all visits and meetings with you will be carried out by two members of staff together. We have added a warning marker to your record on our housing management system so that colleagues know to do this.',
    ),
    h('What stays open'),
    p('This does not change the other ways you can contact us: you can still telephone, write or email us as before.'),
  ),
  restriction: section(
    'restriction',
    h('What we have decided'),
    p('From now on, these limits apply to how you contact us:'),
    bullet('You can contact us by {channelsOpen}.{#channelsClosed} Please do not contact us by {list}.{/channelsClosed}'),
    section('singlePointOfContact', bullet('Your single point of contact is {name}. Please direct all your contact to them.')),
    section('limitedTimes', bullet('You can contact us only at these times: {times}.')),
    section('maxContacts', bullet('We will respond to contact from you up to {limit}.')),
    section(
      'declineWithoutNewEvidence',
      bullet('We will not look again at an issue we have already answered unless you give us new evidence or information about it.'),
    ),
    section('maxIssues', bullet('We will consider up to {limit}.')),
    section('thirdParty', bullet('We will communicate with you through {name}.')),
    h('What stays open'),
    p('You can still contact us by {channelsOpen}. We will always make sure there is at least one way you can contact us.'),
  ),
  recharge: section(
    'recharge',
    h('What we have decided'),
    p(
      'Deliberate damage to our property is a breach of your tenancy agreement. We will recharge you for the cost of putting the damage right, in line with our Rechargeable Repairs Policy, and we will tell you the amount and how to pay it separately.',
    ),
  ),
};

/** §6: always there, whatever the measure. */
const ALWAYS_OPEN = p(
  'Emergencies, urgent repairs and health and safety issues can always be reported, whatever this letter says, in any way you are able to.',
);

/** The terms of one kind of measure (a decision letter), or of any kind (an appeal or review of whichever measure it was). */
const terms = (...kinds: (keyof typeof DECIDED)[]): Paragraph[] => [...kinds.flatMap((k) => DECIDED[k]), ...ALWAYS_OPEN];
const ANY_TERMS = terms('warning', 'pairsVisit', 'restriction', 'recharge');

/** §5.3 and §8: how it is monitored and reviewed. */
const monitoring: Paragraph[] = [
  ...h('How we will monitor this'),
  ...p(
    'We keep a warning marker on your record on our housing management system, so that colleagues who deal with you know of this, and they record any further incident. We will review this by {reviewDate}, and at least every six months while it is in place, and we will write to you with the outcome of each review.',
    'If the behaviour continues, we may take further action under our Community Safety Policy, which may include legal action.',
  ),
];

/** §7: the right of appeal and how; a deadline only where one is configured. */
const appealRight: Paragraph[] = [
  ...h('Your right to appeal'),
  ...p(
    'If you disagree with this decision, you have the right to appeal. You can appeal {appealHow}: tell us that you want to appeal and why.{#appealBy} Please appeal by {date}.{/appealBy}',
    'A Head of Service who was not involved in this decision will review your appeal within 10 working days, and we will write to you with the outcome.',
  ),
];

/** §7: after an appeal, the Customer Feedback Policy and the Housing Ombudsman. */
const ifDissatisfied: Paragraph[] = [
  ...h('If you remain dissatisfied'),
  ...p(
    'This completes your appeal under our Unacceptable Behaviour Policy. If you remain dissatisfied with the decision, you can make a complaint under our Customer Feedback Policy. You can also contact the Housing Ombudsman Service, which looks at complaints about housing providers:',
  ),
  ...bullet(...OMBUDSMAN),
];

const appealOpening = (outcome: string): Paragraph[] => [
  ...opening('The outcome of your appeal'),
  ...p(
    'Thank you for the appeal that {appellant} made against {appealedMeasure}, which we received on {appealReceived}.',
    `A Head of Service who was not involved in the original decision has reviewed the appeal and, on {decidedOn}, ${outcome}`,
  ),
  ...h('The reasons for this decision'),
  ...p('{reasons}'),
];

/** Each letter's paragraphs, and its title (the document's Title property). */
export const WORDING: Record<LetterKind, { title: string; paragraphs: Paragraph[] }> = {
  warning: {
    title: 'Warning that behaviour is unacceptable',
    paragraphs: [
      ...opening('Warning: your behaviour is unacceptable'),
      ...p(
        'We are writing to warn you that we consider your behaviour unacceptable under our Unacceptable Behaviour Policy. We are telling you now so that you have the chance to change it.',
      ),
      ...incidents('This warning is about the following incidents:'),
      ...tenancyClause,
      ...terms('warning'),
      ...consequences,
      ...feedbackReminder,
      ...monitoring,
      ...appealRight,
      ...closing,
    ],
  },
  'visits-in-pairs': {
    title: 'Visits and meetings in pairs',
    paragraphs: [
      ...opening('Visits and meetings in pairs'),
      ...p(
        'We are writing to tell you that, because of the risk to our colleagues, all visits and meetings with you will now take place in pairs. This letter explains why, what it means for you, how and when we will review it, and how you can appeal.',
      ),
      ...incidents('We have made this decision because of the following incidents:'),
      ...tenancyClause,
      ...terms('pairsVisit'),
      ...feedbackReminder,
      ...monitoring,
      ...appealRight,
      ...closing,
    ],
  },
  'contact-restriction': {
    title: 'Limits on contact',
    paragraphs: [
      ...opening('Limits on how you contact us'),
      ...p(
        'We are writing to tell you about limits we have set on how you contact us, under our Unacceptable Behaviour Policy. This letter explains why, what the limits are, what stays open to you, how we will monitor them and how you can appeal.',
      ),
      ...incidents('We have set these limits because of the following incidents:'),
      ...tenancyClause,
      ...terms('restriction'),
      ...feedbackReminder,
      ...monitoring,
      ...appealRight,
      ...closing,
    ],
  },
  recharge: {
    title: 'Recharge for damage to property',
    paragraphs: [
      ...opening('Recharge for damage to our property'),
      ...p(
        'We are writing about deliberate damage to property that we own or manage. Under our Unacceptable Behaviour Policy, we may recharge the cost of deliberate damage and treat it as a breach of your tenancy agreement.',
      ),
      ...incidents('This decision is about the following incidents:'),
      ...tenancyClause,
      ...terms('recharge'),
      ...feedbackReminder,
      ...monitoring,
      ...appealRight,
      ...closing,
    ],
  },
  'appeal-upheld': {
    title: 'Appeal outcome: upheld',
    paragraphs: [
      ...appealOpening('decided that the original decision stands. It stays in place as set out below.'),
      ...incidents('The decision rests on the following incidents:'),
      ...ANY_TERMS,
      ...monitoring,
      ...ifDissatisfied,
      ...closing,
    ],
  },
  'appeal-overturned': {
    title: 'Appeal outcome: overturned',
    paragraphs: [...appealOpening('decided to overturn the original decision. It no longer applies from that date.'), ...ifDissatisfied, ...closing],
  },
  'appeal-varied': {
    title: 'Appeal outcome: varied',
    paragraphs: [
      ...appealOpening('decided to change the original decision. The new arrangements below replace it from that date.'),
      ...incidents('The decision rests on the following incidents:'),
      ...ANY_TERMS,
      ...monitoring,
      ...ifDissatisfied,
      ...closing,
    ],
  },
  'review-continued': {
    title: 'Review outcome: continued',
    paragraphs: [
      ...opening('The outcome of our review'),
      ...p(
        'We review every decision under our Unacceptable Behaviour Policy at least every six months. We reviewed {reviewedMeasure} on {reviewedOn} and have decided that it should continue, as set out below.',
      ),
      ...incidents('It rests on the following incidents:'),
      ...ANY_TERMS,
      ...feedbackReminder,
      ...monitoring,
      ...appealRight,
      ...closing,
    ],
  },
  'review-escalated': {
    title: 'Review outcome: continued and referred',
    paragraphs: [
      ...opening('The outcome of our review'),
      ...p(
        'We review every decision under our Unacceptable Behaviour Policy at least every six months. We reviewed {reviewedMeasure} on {reviewedOn}. Because the behaviour has continued, it will continue as set out below, and we have referred the matter to {referredTo} under our Community Safety Policy, which may include legal action.',
      ),
      ...incidents('It rests on the following incidents:'),
      ...ANY_TERMS,
      ...feedbackReminder,
      ...monitoring,
      ...appealRight,
      ...closing,
    ],
  },
  'review-lifted': {
    title: 'Review outcome: ended',
    paragraphs: [
      ...opening('The outcome of our review'),
      ...p(
        'We review every decision under our Unacceptable Behaviour Policy at least every six months. We reviewed {reviewedMeasure} on {reviewedOn} and have decided to end it. It no longer applies.',
        'If you have any questions about this letter, please contact us.',
      ),
      ...closing,
    ],
  },
};
