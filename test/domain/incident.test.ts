import { expect } from 'chai';
import {
  LIMITS,
  needsSection51Response,
  validateIncident,
  type IncidentField,
  type IncidentFormValues,
  type ValidationResult,
} from '../../src/domain/incident';
import { isCustomerRef, normaliseCustomerRef } from '../../src/domain/customer';
import { ukDate, ukLocalToUtc, ukTime } from '../../src/domain/time';
import type { CategoryId } from '../../src/domain/policy';

/** A fixed "now": Friday 20 Nov 2026, 12:00 UK time (GMT, so 12:00Z). */
const NOW = new Date('2026-11-20T12:00:00Z');
const AREAS = ['housing', 'repairs'];

/** A good §4.1 report, as the Adaptive Card form sends it (strings; multi-selects comma-separated). */
function valid(overrides: IncidentFormValues = {}): IncidentFormValues {
  return {
    customerRef: 'T004512',
    customerName: 'Sam Example',
    occurredDate: '2026-11-20',
    occurredTime: '10:30',
    channel: 'phone',
    serviceArea: 'housing',
    behaviours: 'intimidation-threats,derogatory-remarks',
    description: 'Shouted and swore at me on the phone, then called me useless.',
    safetyFlags: '',
    actions: 'warned',
    crimeReference: '',
    vulnerabilityKnown: 'no',
    vulnerabilityNote: '',
    ...overrides,
  };
}

function without(field: IncidentField): IncidentFormValues {
  const values = valid();
  delete values[field];
  return values;
}

function check(values: IncidentFormValues, category: CategoryId = 'aggressive', now = NOW): ValidationResult {
  return validateIncident(values, category, AREAS, now);
}

function report(values: IncidentFormValues, category: CategoryId = 'aggressive', now = NOW) {
  const result = check(values, category, now);
  if (!result.ok) expect.fail(`expected a valid report, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The errors of an invalid submission (fails the test if it was accepted). */
function errorsOf(values: IncidentFormValues, category: CategoryId = 'aggressive', now = NOW) {
  const result = check(values, category, now);
  if (result.ok) return expect.fail(`expected errors, got a valid report ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('validateIncident (§4 incident report, R-incident-fields)', () => {
  it('accepts a good §4.1 report and returns the stored shape', () => {
    expect(report(valid())).to.deep.equal({
      customerRef: 'T004512',
      customerName: 'Sam Example',
      occurredAt: '2026-11-20T10:30:00.000Z',
      channel: 'phone',
      serviceArea: 'housing',
      category: 'aggressive',
      behaviours: ['intimidation-threats', 'derogatory-remarks'],
      description: 'Shouted and swore at me on the phone, then called me useless.',
      safetyFlags: [],
      actions: ['warned'],
      crimeReference: null,
      vulnerability: { known: 'no', note: null },
    });
  });

  it('accepts §4.2 and §4.3 behaviours for their own categories', () => {
    expect(report(valid({ behaviours: 'excessive-correspondence' }), 'demands').behaviours).to.deep.equal(['excessive-correspondence']);
    expect(report(valid({ behaviours: 'continuing-complaint' }), 'persistence').category).to.equal('persistence');
  });

  it('trims text, de-duplicates multi-selects and accepts HH:MM:SS times', () => {
    const r = report(
      valid({
        customerName: '  Sam Example  ',
        description: '  Shouted at me repeatedly.  ',
        actions: 'warned, warned,call-terminated',
        occurredTime: '10:30:45',
      }),
    );
    expect(r.customerName).to.equal('Sam Example');
    expect(r.description).to.equal('Shouted at me repeatedly.');
    expect(r.actions).to.deep.equal(['warned', 'call-terminated']);
    expect(r.occurredAt).to.equal('2026-11-20T10:30:00.000Z');
  });

  describe('each required field missing gives a message for that field only', () => {
    const MESSAGES: Partial<Record<IncidentField, RegExp>> = {
      customerRef: /customer or tenancy reference/i,
      customerName: /customer.s name/i,
      occurredDate: /date it happened/i,
      occurredTime: /time it happened/i,
      channel: /where or how/i,
      serviceArea: /service area/i,
      behaviours: /at least one behaviour.*§4\.1/i,
      description: /describe what happened in at least 10 characters/i,
      vulnerabilityKnown: /vulnerabilities or reasonable adjustments/i,
    };
    for (const [field, message] of Object.entries(MESSAGES) as [IncidentField, RegExp][]) {
      it(`${field} absent`, () => {
        const errors = errorsOf(without(field));
        expect(Object.keys(errors)).to.deep.equal([field]);
        expect(errors[field]).to.match(message);
      });
      it(`${field} empty or blank (what an untouched card input sends)`, () => {
        for (const blank of ['', '   ']) {
          const errors = errorsOf(valid({ [field]: blank }));
          expect(Object.keys(errors), JSON.stringify(blank)).to.deep.equal([field]);
          expect(errors[field], JSON.stringify(blank)).to.match(message);
        }
      });
    }

    it('a date that does not exist (30 Feb) is refused, not rolled over to 2 March', () => {
      const errors = errorsOf(valid({ occurredDate: '2026-02-30' }));
      expect(Object.keys(errors)).to.deep.equal(['occurredDate']);
      expect(errors.occurredDate).to.match(/real date/i);
    });
  });

  it('reports every bad field at once', () => {
    const errors = errorsOf({ ...valid(), customerRef: '', customerName: '', channel: 'carrier-pigeon', description: 'short' });
    expect(Object.keys(errors).sort()).to.deep.equal(['channel', 'customerName', 'customerRef', 'description']);
  });

  describe('length limits (R-incident-fields: every limit enforced)', () => {
    const cases: [IncidentField, number, IncidentFormValues][] = [
      ['customerName', LIMITS.customerName, {}],
      ['description', LIMITS.description, {}],
      ['vulnerabilityNote', LIMITS.vulnerabilityNote, { vulnerabilityKnown: 'yes' }],
      ['crimeReference', LIMITS.crimeReference, { actions: 'police-informed' }],
    ];
    for (const [field, max, extra] of cases) {
      it(`${field}: ${max} characters accepted, ${max + 1} refused with a message naming the limit`, () => {
        expect(check(valid({ ...extra, [field]: 'x'.repeat(max) })).ok).to.equal(true);
        const errors = errorsOf(valid({ ...extra, [field]: 'x'.repeat(max + 1) }));
        expect(Object.keys(errors)).to.deep.equal([field]);
        expect(errors[field]).to.include(`${max} characters or fewer`);
      });
    }

    it('the limits are the documented ones', () => {
      expect(LIMITS).to.deep.include({ customerName: 100, description: 4000, descriptionMin: 10, crimeReference: 40, vulnerabilityNote: 1000 });
    });

    it('a description under 10 characters is refused', () => {
      expect(errorsOf(valid({ description: 'x'.repeat(LIMITS.descriptionMin - 1) })).description).to.match(/at least 10/);
      expect(check(valid({ description: 'x'.repeat(LIMITS.descriptionMin) })).ok).to.equal(true);
    });
  });

  describe('when it happened (R-incident-when: not in the future)', () => {
    it('now and up to a minute ahead (clock skew) are accepted', () => {
      expect(check(valid({ occurredTime: '12:00' })).ok).to.equal(true);
      expect(check(valid({ occurredTime: '12:01' })).ok).to.equal(true);
    });

    it('later today is refused on the time field', () => {
      const errors = errorsOf(valid({ occurredTime: '12:02' }));
      expect(Object.keys(errors)).to.deep.equal(['occurredTime']);
      expect(errors.occurredTime).to.match(/future/i);
    });

    it('tomorrow is refused', () => {
      expect(errorsOf(valid({ occurredDate: '2026-11-21', occurredTime: '00:00' })).occurredTime).to.match(/future/i);
    });

    it('over a year ago is refused on the date field; within a year is accepted', () => {
      const errors = errorsOf(valid({ occurredDate: '2025-11-01' }));
      expect(Object.keys(errors)).to.deep.equal(['occurredDate']);
      expect(errors.occurredDate).to.match(/over a year ago/i);
      expect(check(valid({ occurredDate: '2025-11-25' })).ok).to.equal(true);
    });

    it('malformed dates and times are refused', () => {
      expect(errorsOf(valid({ occurredDate: '20/11/2026' })).occurredDate).to.match(/date/i);
      expect(errorsOf(valid({ occurredTime: '24:00' })).occurredTime).to.match(/HH:MM/);
      expect(errorsOf(valid({ occurredTime: '9:30' })).occurredTime).to.match(/HH:MM/);
    });
  });

  describe('UK time zone: staff type UK wall-clock time, UTC is stored', () => {
    const later = new Date('2026-12-31T12:00:00Z');

    it('summer (BST, UTC+1): 1 Jul 2026 10:00 UK = 09:00Z', () => {
      expect(report(valid({ occurredDate: '2026-07-01', occurredTime: '10:00' }), 'aggressive', later).occurredAt).to.equal(
        '2026-07-01T09:00:00.000Z',
      );
    });

    it('winter (GMT): 1 Dec 2026 10:00 UK = 10:00Z', () => {
      expect(report(valid({ occurredDate: '2026-12-01', occurredTime: '10:00' }), 'aggressive', later).occurredAt).to.equal(
        '2026-12-01T10:00:00.000Z',
      );
    });

    it('either side of the clock changes (29 Mar and 25 Oct 2026)', () => {
      expect(ukLocalToUtc('2026-03-29', '00:30').toISOString()).to.equal('2026-03-29T00:30:00.000Z');
      expect(ukLocalToUtc('2026-03-29', '02:30').toISOString()).to.equal('2026-03-29T01:30:00.000Z');
      expect(ukLocalToUtc('2026-10-25', '00:30').toISOString()).to.equal('2026-10-24T23:30:00.000Z');
      expect(ukLocalToUtc('2026-10-25', '02:30').toISOString()).to.equal('2026-10-25T02:30:00.000Z');
    });

    it('a BST time just after midnight is the previous UTC day, and converts back', () => {
      const at = ukLocalToUtc('2026-07-01', '00:15');
      expect(at.toISOString()).to.equal('2026-06-30T23:15:00.000Z');
      expect(ukDate(at)).to.equal('2026-07-01');
      expect(ukTime(at)).to.equal('00:15');
    });

    it('the future check uses UK time: 12:30 UK in summer is 11:30Z, before a noon-UTC "now"', () => {
      const summerNoonUtc = new Date('2026-07-01T12:00:00Z'); // 13:00 UK
      expect(check(valid({ occurredDate: '2026-07-01', occurredTime: '12:30' }), 'aggressive', summerNoonUtc).ok).to.equal(true);
      expect(errorsOf(valid({ occurredDate: '2026-07-01', occurredTime: '13:05' }), 'aggressive', summerNoonUtc).occurredTime).to.match(/future/i);
    });
  });

  describe('choices come from the policy lists', () => {
    it('a behaviour not in the chosen category is refused (§4.3 behaviour on a §4.1 report)', () => {
      const errors = errorsOf(valid({ behaviours: 'refusing-decision' }), 'aggressive');
      expect(Object.keys(errors)).to.deep.equal(['behaviours']);
      expect(errors.behaviours).to.match(/from the list/i);
    });

    it('a §4.1 behaviour on a §4.3 report is refused', () => {
      expect(errorsOf(valid({ behaviours: 'intimidation-threats' }), 'persistence').behaviours).to.match(/from the list/i);
    });

    it('no behaviour on a §4.3 report names §4.3', () => {
      expect(errorsOf(valid({ behaviours: '' }), 'persistence').behaviours).to.include('§4.3');
    });

    it('an unknown service area is refused', () => {
      const errors = errorsOf(valid({ serviceArea: 'nowhere' }));
      expect(Object.keys(errors)).to.deep.equal(['serviceArea']);
      expect(errors.serviceArea).to.match(/service area from the list/i);
    });

    it('an unknown channel, safety flag or action is refused', () => {
      expect(errorsOf(valid({ channel: 'fax' })).channel).to.match(/where or how/i);
      expect(errorsOf(valid({ safetyFlags: 'violence,rude' })).safetyFlags).to.match(/from the list/i);
      expect(errorsOf(valid({ actions: 'shouted-back' })).actions).to.match(/from the list/i);
    });

    it('an unknown vulnerability answer is refused', () => {
      expect(errorsOf(valid({ vulnerabilityKnown: 'maybe' })).vulnerabilityKnown).to.match(/vulnerabilities/i);
    });
  });

  describe('§6 vulnerabilities and reasonable adjustments', () => {
    it("'yes' without a note is refused on the note field, citing §6", () => {
      const errors = errorsOf(valid({ vulnerabilityKnown: 'yes', vulnerabilityNote: '  ' }));
      expect(Object.keys(errors)).to.deep.equal(['vulnerabilityNote']);
      expect(errors.vulnerabilityNote).to.include('§6');
    });

    it("'yes' with a note is stored with the note", () => {
      expect(report(valid({ vulnerabilityKnown: 'yes', vulnerabilityNote: ' Hearing impaired; prefers email. ' })).vulnerability).to.deep.equal({
        known: 'yes',
        note: 'Hearing impaired; prefers email.',
      });
    });

    it("'unknown' and 'no' need no note", () => {
      expect(report(valid({ vulnerabilityKnown: 'unknown' })).vulnerability).to.deep.equal({ known: 'unknown', note: null });
      expect(report(valid({ vulnerabilityKnown: 'no' })).vulnerability).to.deep.equal({ known: 'no', note: null });
    });
  });

  describe('police and crime reference (§4.1, §5.1)', () => {
    it('a crime reference without "Informed the police" is refused on the actions field', () => {
      const errors = errorsOf(valid({ crimeReference: 'CR/1234/26' }));
      expect(Object.keys(errors)).to.deep.equal(['actions']);
      expect(errors.actions).to.match(/crime reference/i);
    });

    it('a crime reference with police informed is stored, trimmed', () => {
      const r = report(valid({ actions: 'police-informed,refused-to-see', crimeReference: ' CR/1234/26 ', safetyFlags: 'violence' }));
      expect(r.crimeReference).to.equal('CR/1234/26');
      expect(r.actions).to.deep.equal(['police-informed', 'refused-to-see']);
    });

    it('police informed without a crime reference is fine (it may come later)', () => {
      expect(report(valid({ actions: 'police-informed' })).crimeReference).to.equal(null);
    });
  });

  // Bidirectional overrides can make "evil.example" read as something else; zero-width characters make two different
  // names look the same. Names and references lose both; accounts keep zero-width joiners (scripts and emoji need them).
  describe('invisible and layout-changing characters', () => {
    const RLO = '\u202E';
    const ZWSP = '\u200B';

    it('a customer name with a right-to-left override and a zero-width space is stored without them', () => {
      expect(report(valid({ customerName: `Sam ${RLO}Ex${ZWSP}ample${ZWSP}` })).customerName).to.equal('Sam Example');
    });

    it('a customer name of only invisible characters (and spaces) is refused as empty', () => {
      for (const name of [`${ZWSP}${RLO}`, ` ${ZWSP} \u2066\u200D\uFEFF `])
        expect(errorsOf(valid({ customerName: name })).customerName, JSON.stringify(name)).to.equal('Enter the customer’s name');
    });

    it('the name length limit counts only the characters kept', () => {
      const name = 'N'.repeat(LIMITS.customerName);
      expect(report(valid({ customerName: `${name}${ZWSP.repeat(5)}${RLO}` })).customerName).to.equal(name);
    });

    it('the account and the vulnerability note lose bidirectional controls but keep zero-width joiners', () => {
      const r = report(
        valid({
          description: `He said ${RLO}elpmaxe.live${'\u202C'} was his site, and sent 👩\u200D👩\u200D👧.`,
          vulnerabilityKnown: 'yes',
          vulnerabilityNote: `\u2067Hearing impaired\u2069`,
        }),
      );
      expect(r.description).to.equal('He said elpmaxe.live was his site, and sent 👩\u200D👩\u200D👧.');
      expect(r.vulnerability.note).to.equal('Hearing impaired');
    });

    it('a crime reference loses them too, and one of only invisible characters counts as none', () => {
      const actions = 'police-informed';
      expect(report(valid({ actions, safetyFlags: 'violence', crimeReference: `CR/${RLO}1234${ZWSP}/26` })).crimeReference).to.equal('CR/1234/26');
      expect(report(valid({ crimeReference: `${ZWSP}${RLO}` })).crimeReference).to.equal(null);
    });
  });

  describe('customer reference', () => {
    it('is normalised: trimmed, upper case, spaces removed', () => {
      expect(report(valid({ customerRef: ' t00 4512 ' })).customerRef).to.equal('T004512');
      expect(report(valid({ customerRef: 'ab-12/3' })).customerRef).to.equal('AB-12/3');
      expect(normaliseCustomerRef('  ab 123 ')).to.equal('AB123');
    });

    it('must look like a housing system reference (2–20 letters, digits, - or /)', () => {
      for (const bad of ['T#1234', 'X', '-T1234', 'T'.repeat(21)]) {
        expect(isCustomerRef(bad), bad).to.equal(false);
        expect(errorsOf(valid({ customerRef: bad })).customerRef, bad).to.match(/2–20 letters/);
      }
      for (const good of ['T1', 'ab 123', 'T'.repeat(20), 'TEN/001-2']) expect(isCustomerRef(good), good).to.equal(true);
    });
  });
});

describe('needsSection51Response (§5.1)', () => {
  it('is true for violence, threats of violence, a weapon or intoxication', () => {
    for (const f of ['violence', 'threat-of-violence', 'weapon', 'intoxicated'] as const)
      expect(needsSection51Response({ safetyFlags: [f] }), f).to.equal(true);
  });

  it('is false for no flags and for the §4.1-only flags', () => {
    expect(needsSection51Response({ safetyFlags: [] })).to.equal(false);
    expect(needsSection51Response({ safetyFlags: ['hate-motivated', 'property-damage', 'recorded-without-consent'] })).to.equal(false);
  });
});
