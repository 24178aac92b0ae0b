import { expect } from 'chai';
import { SAMPLE_DIRECTORY_FILE } from '../../src/paths';
import { TENANT, expectNothingStoredAndStillAnswering, startHarness, violentIncident, type Harness } from '../support/harness';

/** Bad input gets a clear, specific error, a non-5xx status, changes nothing, and the server keeps answering. */
describe('bad input over HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  expectNothingStoredAndStillAnswering(() => h);

  const raw = (body: string) => fetch(`${h.bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('malformed JSON → 400', async () => {
    const res = await raw('{"type": "message", "text": ');
    expect(res.status).to.equal(400);
  });

  it('JSON that is not an activity → 400 with a message', async () => {
    for (const body of ['[]', '"hello"', '{"text":"no type"}', 'null']) {
      const res = await raw(body);
      expect(res.status, body).to.equal(400);
      expect(((await res.json()) as { message: string }).message).to.include('Bot Framework activity');
    }
  });

  it('a body over 256 KB → 413', async () => {
    const res = await raw(JSON.stringify(h.activity('message', 'alex', { text: 'x'.repeat(300_000) })));
    expect(res.status).to.equal(413);
  });

  const invokeValue = (value: unknown) => h.post(h.activity('invoke', 'alex', { name: 'adaptiveCard/action', value }));

  it('an invoke with an empty value → 400 naming what is missing', async () => {
    const res = await invokeValue({});
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.include({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    expect(JSON.stringify(res.body)).to.include('value.action is required');
  });

  it('an invoke with no verb, or not Action.Execute → 400', async () => {
    expect((await invokeValue({ action: { type: 'Action.Execute' } })).status).to.equal(400);
    const wrongType = await invokeValue({ action: { type: 'Action.Submit', verb: 'incident.submit' } });
    expect(wrongType.status).to.equal(400);
    expect(JSON.stringify(wrongType.body)).to.include('Action.Execute');
  });

  it('an unknown verb → 400 UnknownVerb', async () => {
    const res = await h.invoke('incident.delete', {});
    expect(res.status).to.equal(400);
    expect(res.body.value.code).to.equal('UnknownVerb');
    expect(res.body.value.message).to.include('incident.delete');
  });

  it('an invoke this bot does not handle → 400, not 501', async () => {
    const res = await h.post(h.activity('invoke', 'alex', { name: 'composeExtension/query', value: {} }));
    expect(res.status).to.equal(400);
  });

  it('an unknown category, a bad form id, a non-text or oversized input → 400', async () => {
    const data = violentIncident('form-0001-abcd');
    for (const [patch, expected] of [
      [{ category: 'rude' }, 'Unknown category'],
      [{ formId: '../../etc' }, 'formId'],
      [{ customerRef: 12345 }, 'expected string'],
      [{ description: 'x'.repeat(20_001) }, 'description is too long'],
    ] as const) {
      const res = await h.invoke('incident.submit', { ...data, ...patch });
      expect(res.status, JSON.stringify(patch)).to.equal(400);
      expect(res.body.value.message).to.include(expected);
    }
  });

  it('a submission with no form id → 400', async () => {
    const { formId: _formId, ...data } = violentIncident('x');
    const res = await h.invoke('incident.submit', data);
    expect(res.status).to.equal(400);
    expect(res.body.value.message).to.include('type “report”');
  });

  it('a date in the future and missing required fields → the form again, nothing stored', async () => {
    const res = await h.invoke(
      'incident.submit',
      violentIncident('form-0002-abcd', { occurredDate: '2099-01-01', channel: '', vulnerabilityKnown: '' }),
    );
    expect(res.status).to.equal(200);
    const text = JSON.stringify(res.body.value);
    expect(text).to.include('cannot be in the future');
    expect(text).to.include('Choose where or how it happened');
    expect(text).to.include('Say whether you know of vulnerabilities');
  });
});

describe('tenant and authentication', () => {
  it('refuses activities from a tenant that is not allowed (403) and stores nothing', async () => {
    const h = await startHarness({ ALLOWED_TENANT_IDS: 'aaaaaaaa-0000-0000-0000-000000000000' });
    try {
      const res = await h.invoke('incident.submit', violentIncident('form-0003-abcd'));
      expect(res.status).to.equal(403);
      expect(h.connector.received).to.have.length(0);
      const { resources } = await h.bot.cosmos.containers.cases.items.query('SELECT * FROM c').fetchAll();
      expect(resources).to.have.length(0);
    } finally {
      await h.stop();
    }
  });

  it('accepts the allowed tenant', async () => {
    const h = await startHarness({ ALLOWED_TENANT_IDS: `aaaaaaaa-0000-0000-0000-000000000000, ${TENANT}` });
    try {
      expect((await h.message('help')).status).to.equal(200);
      expect(h.connector.received).to.have.length(1);
    } finally {
      await h.stop();
    }
  });

  it('with an app id configured, a request without a valid bearer token → 401 and no reply', async () => {
    const h = await startHarness({
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: TENANT,
      ALLOWED_TENANT_IDS: TENANT,
      HOST: '127.0.0.1',
      DIRECTORY_FILE: SAMPLE_DIRECTORY_FILE,
    });
    try {
      expect((await h.message('help')).status).to.equal(401);
      expect((await h.post(h.activity('message', 'alex', { text: 'help' }), { authorization: 'Bearer forged.token.value' })).status).to.equal(401);
      expect(h.connector.received).to.have.length(0);
    } finally {
      await h.stop();
    }
  });
});
