import { policyVersion } from '../../src/domain/policy';
import type { Incident } from '../../src/domain/records';

/** The policy version the tests' records are made under (adopted on a configured date). */
export const TEST_POLICY_VERSION = policyVersion('2025-04-01');

/**
 * A stored §4.1 incident, UB-7K3-M9Q for customer T004512: violence at a home visit on Friday 20 Nov 2026, so §5.1
 * applies; police informed, vulnerability unknown; reported by Alex Wilber at 11:05. Override what a test is about.
 * As an Incident is an IncidentReport, it serves wherever a validated report is wanted too.
 */
export function sampleIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    type: 'incident',
    id: 'inc-1',
    reference: 'UB-7K3-M9Q',
    customerKey: 'T004512',
    submissionKey: 'sk-1',
    reporter: { id: 'user-1', name: 'Alex Wilber' },
    reportedAt: '2026-11-20T11:05:00.000Z',
    policyVersion: TEST_POLICY_VERSION,
    customerRef: 'T004512',
    customerName: 'Sam O’Neill',
    occurredAt: '2026-11-20T10:40:00.000Z',
    channel: 'home-visit',
    serviceArea: 'housing',
    category: 'aggressive',
    behaviours: ['violence-harassment', 'intimidation-threats'],
    description: 'Pushed me against the door frame and said he would "sort me out" if I came back. I left at once.',
    safetyFlags: ['violence', 'threat-of-violence'],
    actions: ['visit-ended', 'police-informed'],
    crimeReference: 'CR/12345/26',
    vulnerability: { known: 'unknown', note: null },
    ...overrides,
  };
}

/** §4.3 persistence by email (UB-4HX-2TW, customer T009981): continuing a closed complaint; no §5.1 flag, nothing done. */
export function samplePersistenceIncident(overrides: Partial<Incident> = {}): Incident {
  return sampleIncident({
    id: 'inc-2',
    reference: 'UB-4HX-2TW',
    customerKey: 'T009981',
    customerRef: 'T009981',
    customerName: 'Pat Jones',
    channel: 'email',
    serviceArea: 'repairs',
    category: 'persistence',
    behaviours: ['continuing-complaint', 'refusing-decision'],
    description: 'Fourteenth email this month about the closed damp complaint (ref C-2291); no new information.',
    safetyFlags: [],
    actions: [],
    crimeReference: null,
    ...overrides,
  });
}
