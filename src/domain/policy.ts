/**
 * The vocabulary of the Unacceptable Behaviour Policy (§4, §5.1, §5.2), as data.
 * Labels are the policy's own words so staff recognise them; ids are stable storage keys.
 */

/**
 * The policy text this release applies: the landlord's version label and the SHA-256 of the text shipped in
 * policy/unacceptable-behaviour-policy.txt (checked at start by src/policy-check.ts). The date the landlord adopted it
 * is configuration (POLICY_ADOPTED_ON), since the text states none. Moving to a revised policy: docs/policy-version.md.
 */
export const POLICY: { readonly version: string; readonly sha256: string } = {
  version: '2024-1',
  sha256: '106f44e9a864d959af5fab531eb722fd5d89e54bfd3118ec7f41a93f53b0942e',
};

/**
 * What every incident and measure records, so later readers know which rules were in force (§8: the policy is reviewed
 * every 3 years): the version, its adoption date and the start of the text's hash. Records keep the version they were
 * made under.
 */
export function policyVersion(adoptedOn: string | null): string {
  return `UBP ${POLICY.version} (${adoptedOn ? `adopted ${adoptedOn}` : 'adoption date not configured'}, sha256 ${POLICY.sha256.slice(0, 12)}…)`;
}

export interface Option<Id extends string = string> {
  readonly id: Id;
  readonly label: string;
}

export const CATEGORY_IDS = ['aggressive', 'demands', 'persistence'] as const;
export type CategoryId = (typeof CATEGORY_IDS)[number];

export interface Category extends Option<CategoryId> {
  readonly section: string;
  readonly behaviours: readonly Option[];
}

export const CATEGORIES: Record<CategoryId, Category> = {
  aggressive: {
    id: 'aggressive',
    label: 'Aggressive or abusive behaviour',
    section: '4.1',
    behaviours: [
      { id: 'violence-harassment', label: 'Physical violence or harassment' },
      { id: 'intimidation-threats', label: 'Intimidation or threatening behaviour towards staff members by any means' },
      { id: 'property-damage', label: 'Deliberate physical damage caused by a customer to Calico Homes owned or managed property' },
      { id: 'derogatory-remarks', label: 'Derogatory or discriminatory remarks about staff members or the organisation' },
      { id: 'inflammatory-allegations', label: 'Making inflammatory or unsubstantiated allegations' },
      {
        id: 'recording-without-consent',
        label: 'Recording meetings or conversations without the prior knowledge or consent of other people involved',
      },
    ],
  },
  demands: {
    id: 'demands',
    label: 'Unreasonable demands',
    section: '4.2',
    behaviours: [
      { id: 'unrealistic-deadlines', label: 'Requesting unrealistic deadlines' },
      { id: 'excessive-correspondence', label: 'Sending an excessive amount of correspondence' },
      {
        id: 'excessive-information',
        label: 'Demanding an excessive amount of information from or sending excessive information to the organisation',
      },
      { id: 'specific-staff-only', label: 'Insisting on communicating exclusively with specific staff members' },
      { id: 'mass-emailing', label: 'Emailing large numbers of recipients across the organisation' },
      { id: 'changing-complaint', label: 'Repeatedly changing the substance of a complaint or raising unrelated concerns' },
      {
        id: 'refusing-advice',
        label: 'Refusing to take or follow our advice around solutions that will resolve issues they are experiencing and demanding action',
      },
    ],
  },
  persistence: {
    id: 'persistence',
    label: 'Unreasonable persistence',
    section: '4.3',
    behaviours: [
      { id: 'refusing-decision', label: 'Refusing to accept a decision made by Calico Homes' },
      { id: 'refusing-explanations', label: 'Refusing to accept explanations relating to what Calico Homes can and cannot do' },
      { id: 'no-new-information', label: 'Pursuing a case without presenting any new significant information' },
      { id: 'refusing-timescales', label: 'Refusal to accept the reasonableness of our published timescales' },
      { id: 'continuing-complaint', label: 'Continuing to pursue a complaint or other matter without presenting any new information' },
    ],
  },
};

/** §4: social media, email and other internet messages count the same as spoken or written contact. */
export const CHANNELS = [
  { id: 'phone', label: 'Phone call' },
  { id: 'home-visit', label: 'Visit or meeting at the customer’s home' },
  { id: 'office', label: 'At our office' },
  { id: 'email', label: 'Email' },
  { id: 'letter', label: 'Letter' },
  { id: 'social-media', label: 'Social media' },
  { id: 'other-internet', label: 'Other internet (web form, chat, messaging)' },
] as const satisfies readonly Option[];
export type ChannelId = (typeof CHANNELS)[number]['id'];

/** §5.1 triggers (violence, threats, weapon, intoxication) plus §4.1 matters for the Community Safety Policy. */
export const SAFETY_FLAGS = [
  { id: 'violence', label: 'Physical violence', section: '5.1' },
  { id: 'threat-of-violence', label: 'Threat of violence', section: '5.1' },
  { id: 'weapon', label: 'Carrying or using a weapon', section: '5.1' },
  { id: 'intoxicated', label: 'Under the influence of alcohol or drugs', section: '5.1' },
  { id: 'hate-motivated', label: 'Hate motivated', section: '4.1' },
  { id: 'property-damage', label: 'Deliberate damage to property', section: '4.1' },
  { id: 'recorded-without-consent', label: 'Recorded without consent', section: '4.1' },
] as const satisfies readonly (Option & { section: string })[];
export type SafetyFlagId = (typeof SAFETY_FLAGS)[number]['id'];

/** Flags that make the §5.1 response apply: refuse to see, end the visit, visits in pairs. */
export const SECTION_5_1_FLAGS: readonly SafetyFlagId[] = ['violence', 'threat-of-violence', 'weapon', 'intoxicated'];

/** §5.1 and §5.2 responses a member of staff may already have taken. */
export const IMMEDIATE_ACTIONS = [
  { id: 'warned', label: 'Warned the customer their behaviour is unacceptable' },
  { id: 'call-terminated', label: 'Terminated the phone call' },
  { id: 'visit-ended', label: 'Ended the visit or meeting' },
  { id: 'refused-to-see', label: 'Refused to see the customer' },
  { id: 'police-informed', label: 'Informed the police' },
] as const satisfies readonly Option[];
export type ImmediateActionId = (typeof IMMEDIATE_ACTIONS)[number]['id'];

/** §6: what the reporter knows of the customer's vulnerabilities or reasonable adjustments. */
export const VULNERABILITY_KNOWN = [
  { id: 'yes', label: 'Yes' },
  { id: 'no', label: 'No' },
  { id: 'unknown', label: 'Don’t know' },
] as const satisfies readonly Option[];
export type VulnerabilityKnown = (typeof VULNERABILITY_KNOWN)[number]['id'];

export function labelOf(options: readonly Option[], id: string): string {
  return options.find((o) => o.id === id)?.label ?? id;
}
