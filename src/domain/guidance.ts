import { needsSection51Response, type IncidentReport } from './incident';

export interface Guidance {
  readonly section: string;
  readonly text: string;
}

/** What the policy tells the reporter to do, or what happens next, for this incident. */
export function guidanceFor(report: IncidentReport): Guidance[] {
  const out: Guidance[] = [];
  const flags = new Set(report.safetyFlags);
  if (needsSection51Response(report)) {
    out.push(
      { section: '5.1', text: 'Do not see the customer: refuse to see them and end any visit or meeting at once.' },
      {
        section: '5.1',
        text: report.actions.includes('police-informed')
          ? 'Police informed: thank you. Add the crime reference to the case if you get one later.'
          : 'Report it to the police if necessary (999 if anyone is in danger now).',
      },
      {
        section: '5.1',
        text: 'From now on all visits and meetings with this customer are in pairs: an interim warning marker is in place, pending Head of Service sign-off.',
      },
      { section: '5.1', text: 'The customer will be told in writing, with their right to appeal and when it will be reviewed.' },
    );
  } else if (report.category === 'aggressive') {
    out.push({
      section: '5.2',
      text: 'Warn the customer first that their behaviour is unacceptable; if it continues, terminate the call or end the visit or meeting.',
    });
  }
  if (report.actions.includes('call-terminated') || report.actions.includes('visit-ended'))
    out.push({
      section: '5.2',
      text: 'Because the call or visit was ended, the customer will be written to about their behaviour, the breach of their tenancy agreement and the possible consequences.',
    });
  if (flags.has('violence') || flags.has('hate-motivated') || flags.has('property-damage'))
    out.push({
      section: '4.1',
      text: 'Assaults, criminal or deliberate damage and hate crime are managed under the Community Safety Policy, working with the police.',
    });
  if (flags.has('property-damage'))
    out.push({
      section: '4.1',
      text: 'Deliberate damage may be recharged under the rechargeable repairs policy and treated as a breach of tenancy.',
    });
  if (report.category === 'demands' || report.category === 'persistence')
    out.push({
      section: '5.3',
      text: 'The Customer Experience team will tell the customer their behaviour is unacceptable and what may follow if it continues; contact restrictions come only after that.',
    });
  if (report.category === 'persistence' && report.behaviours.includes('continuing-complaint'))
    out.push({ section: '4.3', text: 'Remind the customer of the Customer Feedback policy and the Housing Ombudsman service.' });
  if (report.vulnerability.known !== 'no')
    out.push({
      section: '6',
      text: 'Vulnerabilities and reasonable adjustments will be considered before any measure; at least one way to access our services always remains.',
    });
  return out;
}
