import { expect } from 'chai';
import { guidanceFor, type Guidance } from '../../src/domain/guidance';
import type { IncidentReport } from '../../src/domain/incident';
import { SECTION_5_1_FLAGS } from '../../src/domain/policy';
import { sampleIncident } from '../support/fixtures';

/** §4.1 verbal abuse on the phone: no §5.1 flag, nothing done at the time, no known vulnerability. */
const incident = (overrides: Partial<IncidentReport> = {}): IncidentReport =>
  sampleIncident({
    channel: 'phone',
    behaviours: ['derogatory-remarks'],
    description: 'Swore at me and called me useless.',
    safetyFlags: [],
    actions: [],
    crimeReference: null,
    vulnerability: { known: 'no', note: null },
    ...overrides,
  });

const sections = (g: Guidance[]) => g.map((x) => x.section);
const textOf = (g: Guidance[], section: string) =>
  g
    .filter((x) => x.section === section)
    .map((x) => x.text)
    .join('\n');

describe('guidanceFor (what the policy says to do now)', () => {
  describe('§5.1 violence, threats, a weapon or intoxication', () => {
    for (const flag of SECTION_5_1_FLAGS) {
      it(`${flag}: refuse to see and end the visit, police if necessary, visits in pairs from now on`, () => {
        const g = guidanceFor(incident({ safetyFlags: [flag] }));
        const s51 = textOf(g, '5.1');
        expect(s51).to.match(/refuse to see/i);
        expect(s51).to.match(/end any visit or meeting/i);
        expect(s51).to.match(/police/i);
        expect(s51).to.match(/in pairs/i);
        expect(s51).to.match(/interim/i);
        expect(s51).to.match(/told in writing.*appeal.*review/i);
        // §5.1 replaces the §5.2 warn-first step: no "warn the customer first".
        expect(g.some((x) => /warn the customer first/i.test(x.text))).to.equal(false);
      });
    }

    it('§5.1 applies whatever the category (e.g. intoxicated during unreasonable persistence)', () => {
      const g = guidanceFor(incident({ category: 'persistence', behaviours: ['refusing-decision'], safetyFlags: ['intoxicated'] }));
      expect(sections(g)).to.include('5.1');
      expect(textOf(g, '5.1')).to.match(/in pairs/i);
    });

    it('when the police were already informed, asks for the crime reference instead', () => {
      const g = guidanceFor(incident({ safetyFlags: ['violence'], actions: ['police-informed'] }));
      expect(textOf(g, '5.1')).to.match(/police informed/i);
      expect(textOf(g, '5.1')).to.match(/crime reference/i);
      expect(textOf(g, '5.1')).not.to.match(/999/);
    });

    it('when the police were not informed, says to report it if necessary (999 in an emergency)', () => {
      expect(textOf(guidanceFor(incident({ safetyFlags: ['weapon'] })), '5.1')).to.match(/report it to the police if necessary.*999/i);
    });

    it('physical violence is also a §4.1 Community Safety Policy matter', () => {
      expect(textOf(guidanceFor(incident({ safetyFlags: ['violence'] })), '4.1')).to.match(/Community Safety Policy/);
    });
  });

  describe('§5.2 aggression or abuse without §5.1', () => {
    it('warn first; if it continues, terminate the call or end the visit', () => {
      const g = guidanceFor(incident());
      expect(sections(g)).to.deep.equal(['5.2']);
      expect(g[0]!.text).to.match(/warn the customer first/i);
      expect(g[0]!.text).to.match(/terminate the call or end the visit/i);
    });

    it('the §4.1-only flags do not trigger the §5.1 response', () => {
      for (const flag of ['hate-motivated', 'property-damage', 'recorded-without-consent'] as const) {
        const g = guidanceFor(incident({ safetyFlags: [flag] }));
        expect(sections(g), flag).not.to.include('5.1');
        expect(textOf(g, '5.2'), flag).to.match(/warn the customer first/i);
      }
    });

    it('a call terminated or visit ended: the customer will be written to about the tenancy breach (§5.2)', () => {
      for (const action of ['call-terminated', 'visit-ended'] as const) {
        const text = textOf(guidanceFor(incident({ actions: ['warned', action] })), '5.2');
        expect(text, action).to.match(/written to/i);
        expect(text, action).to.match(/breach of their tenancy/i);
        expect(text, action).to.match(/consequences/i);
      }
    });

    it('no "written to" guidance when nothing was ended', () => {
      expect(guidanceFor(incident({ actions: ['warned'] })).some((x) => /written to/i.test(x.text))).to.equal(false);
    });
  });

  describe('§4.1 deliberate damage and hate crime', () => {
    it('property damage: recharge under the rechargeable repairs policy, breach of tenancy, Community Safety Policy', () => {
      const text = textOf(guidanceFor(incident({ behaviours: ['property-damage'], safetyFlags: ['property-damage'] })), '4.1');
      expect(text).to.match(/recharged under the rechargeable repairs policy/i);
      expect(text).to.match(/breach of tenancy/i);
      expect(text).to.match(/Community Safety Policy/);
    });

    it('hate motivated: Community Safety Policy with the police, but no recharge', () => {
      const text = textOf(guidanceFor(incident({ safetyFlags: ['hate-motivated'] })), '4.1');
      expect(text).to.match(/Community Safety Policy/);
      expect(text).not.to.match(/recharge/i);
    });

    it('no §4.1 guidance without those flags', () => {
      expect(sections(guidanceFor(incident()))).not.to.include('4.1');
    });
  });

  describe('§4.2/§4.3 demands and persistence', () => {
    it('demands: §5.3 tell the customer first; no §5.2 or §5.1 guidance', () => {
      const g = guidanceFor(incident({ category: 'demands', behaviours: ['excessive-correspondence'] }));
      expect(sections(g)).to.deep.equal(['5.3']);
      expect(g[0]!.text).to.match(/contact restrictions come only after that/i);
    });

    it('persistence + continuing to pursue a complaint: remind them of the Customer Feedback policy and the Housing Ombudsman (§4.3)', () => {
      const g = guidanceFor(incident({ category: 'persistence', behaviours: ['continuing-complaint'] }));
      expect(sections(g)).to.include.members(['5.3', '4.3']);
      expect(textOf(g, '4.3')).to.match(/Customer Feedback policy/);
      expect(textOf(g, '4.3')).to.match(/Housing Ombudsman/);
    });

    it('persistence without that behaviour: no Ombudsman reminder', () => {
      const g = guidanceFor(incident({ category: 'persistence', behaviours: ['refusing-decision', 'no-new-information'] }));
      expect(sections(g)).not.to.include('4.3');
      expect(g.some((x) => /Ombudsman/.test(x.text))).to.equal(false);
    });
  });

  describe('§6 vulnerabilities', () => {
    for (const known of ['yes', 'unknown'] as const) {
      it(`vulnerability '${known}': considered before any measure; one way to access services always remains`, () => {
        const text = textOf(guidanceFor(incident({ vulnerability: { known, note: known === 'yes' ? 'Hearing impaired' : null } })), '6');
        expect(text).to.match(/reasonable adjustments will be considered before any measure/i);
        expect(text).to.match(/at least one way to access our services/i);
      });
    }

    it("vulnerability 'no': no §6 guidance", () => {
      expect(sections(guidanceFor(incident()))).not.to.include('6');
    });
  });

  it('every guidance item cites a policy section that exists', () => {
    const all = guidanceFor(
      incident({
        category: 'persistence',
        behaviours: ['continuing-complaint'],
        safetyFlags: ['violence', 'property-damage', 'hate-motivated'],
        actions: ['call-terminated'],
        vulnerability: { known: 'yes', note: 'Anxiety' },
      }),
    );
    expect(new Set(sections(all))).to.deep.equal(new Set(['5.1', '5.2', '4.1', '5.3', '4.3', '6']));
    for (const g of all) expect(g.text.length, g.section).to.be.greaterThan(20);
  });
});
