import { expect } from 'chai';
import { allStored } from '../../src/store/documents';
import {
  DEAD_STATUSES,
  INSTALL_RETRYABLE_STATUSES,
  MAX_ATTEMPTS,
  RETRYABLE_STATUSES,
  afterAttempt,
  nextAttemptDelayMs,
  outboxEntry,
  type AttemptResult,
  type OutboxEntry,
} from '../../src/domain/outbox';

const NOW = new Date('2026-11-20T12:00:00Z');
/** The top of the jitter range: the whole backoff step. */
const FULL = 1 - Number.EPSILON;
const CARD = { type: 'AdaptiveCard', version: '1.5', body: [] };
const SEND: OutboxEntry['action'] = { kind: 'send', card: CARD, summary: 'Sign-off needed: customer T004512' };

describe('outbox (durable proactive messages with retries: R-outbox-with-the-decision, R-outbox-retry)', () => {
  describe('nextAttemptDelayMs', () => {
    it('grows exponentially: each failed attempt doubles the wait, from half a second', () => {
      const delays = [1, 2, 3, 4, 5, 6].map((n) => nextAttemptDelayMs(n, null, FULL));
      expect(delays).to.deep.equal([500, 1000, 2000, 4000, 8000, 16000]);
    });

    it('jitters between half and all of each step, so entries that failed together spread out', () => {
      expect(nextAttemptDelayMs(3, null, 0)).to.equal(1_000);
      expect(nextAttemptDelayMs(3, null, 0.5)).to.equal(1_500);
      expect(nextAttemptDelayMs(20, null, 0)).to.equal(30_000);
      const spread = new Set(Array.from({ length: 20 }, (_, i) => nextAttemptDelayMs(4, null, i / 20)));
      expect(spread.size).to.equal(20);
      for (const d of spread) expect(d).to.be.within(2_000, 4_000);
    });

    it('jitter never brings a retry before the server’s Retry-After', () => {
      expect(nextAttemptDelayMs(1, 5_000, 0)).to.equal(5_000);
    });

    it('never waits less than the first step, even before any attempt', () => {
      expect(nextAttemptDelayMs(0, null, FULL)).to.equal(500);
    });

    it('is capped at 60 s, however many attempts', () => {
      expect(nextAttemptDelayMs(8, null, FULL)).to.equal(60_000);
      for (const n of [MAX_ATTEMPTS, 20, 100, 2000]) expect(nextAttemptDelayMs(n, null, FULL), `attempt ${n}`).to.equal(60_000);
      for (let n = 0; n < 40; n++) expect(nextAttemptDelayMs(n, null, FULL)).to.be.at.most(60_000);
    });

    it('honours a Retry-After longer than its own backoff, even beyond the cap', () => {
      expect(nextAttemptDelayMs(1, 5_000, FULL)).to.equal(5_000);
      expect(nextAttemptDelayMs(20, 120_000, FULL)).to.equal(120_000);
    });

    it('a shorter Retry-After does not shorten the backoff', () => {
      expect(nextAttemptDelayMs(3, 100, FULL)).to.equal(2_000);
      expect(nextAttemptDelayMs(12, 1_000, FULL)).to.equal(60_000);
      expect(nextAttemptDelayMs(2, 0, FULL)).to.equal(1_000);
    });
  });

  describe('afterAttempt: the delivery policy, given one attempt’s result', () => {
    const refused = (status: number | null, retryAfterMs: number | null = null): AttemptResult => ({
      delivered: false,
      status,
      retryAfterMs,
      message: status === null ? 'connect ECONNREFUSED' : `HTTP ${status}`,
    });
    const table: [string, AttemptResult, number, ReturnType<typeof afterAttempt>][] = [
      ['delivered', { delivered: true }, 1, { step: 'sent' }],
      ['delivered on the last attempt', { delivered: true }, MAX_ATTEMPTS, { step: 'sent' }],
      ['throttled, first attempt', refused(429), 1, { step: 'retry', delayMs: 500, why: 'HTTP 429' }],
      ['throttled with Retry-After 7 s', refused(429, 7000), 1, { step: 'retry', delayMs: 7000, why: 'HTTP 429' }],
      ['ETag conflict at the connector', refused(412), 2, { step: 'retry', delayMs: 1000, why: 'HTTP 412' }],
      ['gateway errors', refused(502), 3, { step: 'retry', delayMs: 2000, why: 'HTTP 502' }],
      ['unavailable', refused(503), 4, { step: 'retry', delayMs: 4000, why: 'HTTP 503' }],
      ['gateway timeout', refused(504), 5, { step: 'retry', delayMs: 8000, why: 'HTTP 504' }],
      ['no answer (network, timeout)', refused(null), 1, { step: 'retry', delayMs: 500, why: 'connect ECONNREFUSED' }],
      ['uninstalled or blocked', refused(403), 1, { step: 'dead', status: 403, why: 'Teams answered 403: the bot can no longer reach them' }],
      ['conversation deleted', refused(404), 7, { step: 'dead', status: 404, why: 'Teams answered 404: the bot can no longer reach them' }],
      [
        'gone even on the last attempt',
        refused(404),
        MAX_ATTEMPTS,
        { step: 'dead', status: 404, why: 'Teams answered 404: the bot can no longer reach them' },
      ],
      ['too large for Teams', refused(413), 1, { step: 'give-up', why: 'Teams refused it (413): HTTP 413' }],
      ['bad request', refused(400), 1, { step: 'give-up', why: 'Teams refused it (400): HTTP 400' }],
      [
        'still throttled after the last attempt',
        refused(429),
        MAX_ATTEMPTS,
        { step: 'give-up', why: `gave up after ${MAX_ATTEMPTS} attempts: HTTP 429` },
      ],
      [
        'no answer after the last attempt',
        refused(null),
        MAX_ATTEMPTS,
        { step: 'give-up', why: `gave up after ${MAX_ATTEMPTS} attempts: connect ECONNREFUSED` },
      ],
    ];
    for (const [what, result, attempts, expected] of table)
      it(`${what} (attempt ${attempts}) → ${expected.step}`, () => {
        expect(afterAttempt(result, attempts, FULL)).to.deep.equal(expected);
      });

    it('retries are jittered: the same failure at the same attempt spreads between half and all of the step', () => {
      const delays = [0, 0.25, 0.5, 0.75].map((r) => afterAttempt(refused(503), 3, r));
      expect(delays.map((d) => (d.step === 'retry' ? d.delayMs : null))).to.deep.equal([1000, 1250, 1500, 1750]);
    });

    describe('installing the app for someone who has never chatted with the bot (R-outbox-install)', () => {
      const installing = (status: number | null, retryAfterMs: number | null = null): AttemptResult => ({
        delivered: false,
        status,
        retryAfterMs,
        message: `the app could not be installed for them: Microsoft Graph answered ${status}`,
        installing: true,
      });
      const why = (status: number | null) => `the app could not be installed for them: Microsoft Graph answered ${status}`;

      it('Graph refusing (403, 404, 400) gives up at once with the reason, and never marks anyone dead', () => {
        for (const status of [403, 404, 400, 401, 409])
          expect(afterAttempt(installing(status), 1, FULL), String(status)).to.deep.equal({ step: 'give-up', why: why(status) });
      });

      it('Graph throttled, failing or silent is retried like any delivery, honouring Retry-After, until the last attempt', () => {
        expect(afterAttempt(installing(429, 9000), 1, FULL)).to.deep.equal({ step: 'retry', delayMs: 9000, why: why(429) });
        for (const status of [500, 502, 503, 504, null])
          expect(afterAttempt(installing(status), 2, FULL), String(status)).to.deep.equal({ step: 'retry', delayMs: 1000, why: why(status) });
        expect(afterAttempt(installing(503), MAX_ATTEMPTS, FULL)).to.deep.equal({
          step: 'give-up',
          why: `gave up after ${MAX_ATTEMPTS} attempts: ${why(503)}`,
        });
      });

      it('retries 429 and 5xx server errors that pass; a 500 from Teams itself is still refused for good', () => {
        expect([...INSTALL_RETRYABLE_STATUSES].sort()).to.deep.equal([429, 500, 502, 503, 504]);
        expect(afterAttempt(refused(500), 1, FULL)).to.deep.equal({ step: 'give-up', why: 'Teams refused it (500): HTTP 500' });
      });
    });
  });

  it('retries 429, 412, 502, 503, 504 and treats 403, 404 as a dead conversation (R-outbox-retry, R-outbox-dead-conversation)', () => {
    expect([...RETRYABLE_STATUSES].sort()).to.deep.equal([412, 429, 502, 503, 504]);
    expect([...DEAD_STATUSES].sort()).to.deep.equal([403, 404]);
    expect(RETRYABLE_STATUSES.filter((s) => DEAD_STATUSES.includes(s))).to.deep.equal([]);
    for (const permanent of [400, 401, 500]) expect(RETRYABLE_STATUSES).not.to.include(permanent);
  });

  describe('outboxEntry', () => {
    it('defaults: pending, no attempts, due now, falls back to the case managers, no message id yet', () => {
      const e = outboxEntry('m1:signoff:hos', 'T004512', { kind: 'person', personId: 'hos-housing' }, SEND, NOW);
      expect(e).to.deep.equal({
        type: 'outbox',
        id: 'm1:signoff:hos',
        customerKey: 'T004512',
        status: 'pending',
        recipient: { kind: 'person', personId: 'hos-housing' },
        action: SEND,
        activityId: null,
        fallback: true,
        attempts: 0,
        nextAttemptAt: NOW.toISOString(),
        createdAt: NOW.toISOString(),
        createdBy: null,
        sentAt: null,
        lastError: null,
      } satisfies OutboxEntry);
    });

    it('extras override the defaults (a card update that must not fall back)', () => {
      const update: OutboxEntry['action'] = { kind: 'update', of: 'm1:signoff:hos' };
      const by = { id: 'cm-1', name: 'Casey Manager' };
      const e = outboxEntry('m1:update:decided:hos', 'T004512', { kind: 'person', personId: 'hos' }, update, NOW, { fallback: false, createdBy: by });
      expect(e).to.deep.include({ status: 'pending', attempts: 0, fallback: false, action: update, createdBy: by });
    });
  });
});

describe('allStored (batch creates with deterministic ids)', () => {
  it('all created, or some already there, counts as stored; an atomic rollback after an existing document too', () => {
    expect(allStored([201, 201])).to.equal(true);
    expect(allStored([201, 409])).to.equal(true);
    expect(allStored([409, 424, 424])).to.equal(true);
  });

  it('anything else is a failure', () => {
    expect(allStored([201, 500])).to.equal(false);
    expect(allStored([424, 424])).to.equal(false);
    expect(allStored([429, 424])).to.equal(false);
  });
});
