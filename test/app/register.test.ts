import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type { Actor } from '../../src/app/context';
import { FileDeliveryError } from '../../src/app/files';
import type { Files, MeasureRepository } from '../../src/app/ports';
import { exportRegister, GOVERNANCE_PARTITION, ONLY_CASE_MANAGERS_REGISTER, REGISTER_LIMIT } from '../../src/app/register/export';
import { interimPairsVisit } from '../../src/domain/measure';
import { REGISTER_HEADER, type RegisterRecord } from '../../src/domain/register';
import { sampleIncident } from '../support/fixtures';
import { FIXED_NOW, PEOPLE, TENANT, type PersonKey } from '../support/harness';
import { memoryApp, withMethods, type MemoryApp } from '../support/memory-ports';

const actor = (who: PersonKey): Actor => ({ id: PEOPLE[who].aadObjectId, name: PEOPLE[who].name, tenantId: TENANT });

/** `register` as a use case, with memory ports (the store's query: test/e2e/register.test.ts against Cosmos). */
describe('register (use case; docs/rules.md#R-register-export)', () => {
  let app: MemoryApp;
  beforeEach(async () => {
    app = await memoryApp(FIXED_NOW);
    for (const n of [1, 2, 3]) {
      const m = interimPairsVisit(sampleIncident({ id: `UB-AP0${n}-AAA`, reference: `UB-AP0${n}-AAA`, customerKey: `T00000${n}` }), {
        approverId: null,
        deputyId: null,
      })!;
      app.measures.put(n === 3 ? { ...m, status: 'lifted' } : m);
    }
  });

  it('hands the case manager a CSV named for the UK day, in the register folder, with no customer named in its description', async () => {
    const reply = await exportRegister(app.ctx, actor('lynne'));
    expect(reply).to.deep.equal({
      text: 'The register of 2 measures in force (register-2026-11-26.csv) is ready. I have sent it to your personal chat with me: accept the file there to download it.',
    });
    const [sent, ...more] = app.files.delivered;
    expect(more).to.deep.equal([]);
    expect(sent!.to).to.deep.equal({ id: PEOPLE.lynne.aadObjectId, name: PEOPLE.lynne.name });
    expect(sent!.file).to.include({ name: 'register-2026-11-26.csv', contentType: 'text/csv', folder: 'register' });
    expect(sent!.file.description).to.equal('Register of measures in force on 26 Nov 2026, 10:00: 2 measures in force, as person alerts');
    const rows = parse(Buffer.from(sent!.file.bytes).toString('utf8'), { bom: true });
    expect(rows[0]).to.deep.equal(REGISTER_HEADER);
    expect(rows.slice(1).map((r) => r[0])).to.deep.equal(['T000001', 'T000002']);
    expect(app.audit.events).to.have.length(1);
    expect(app.audit.events[0]).to.deep.include({
      customerKey: GOVERNANCE_PARTITION,
      action: 'register.exported',
      details: { rows: 2, complete: true },
    });
  });

  it('links to the document library when the file was saved there', async () => {
    app.ctx.files = {
      deliver: () => Promise.resolve({ where: 'library', url: 'https://calico.sharepoint.com/sites/ub/register/register-2026-11-26.csv' }),
    };
    const reply = await exportRegister(app.ctx, actor('alex'));
    expect(reply).to.deep.equal({
      text: 'The register of 2 measures in force (register-2026-11-26.csv) is ready. It is in the document library: https://calico.sharepoint.com/sites/ub/register/register-2026-11-26.csv',
    });
  });

  it('says why, in the file port’s words, when the file cannot be handed over', async () => {
    const files: Files = { deliver: () => Promise.reject(new FileDeliveryError('Open a personal chat with the bot first, then ask again.')) };
    app.ctx.files = files;
    expect(await exportRegister(app.ctx, actor('alex'))).to.deep.equal({ text: 'Open a personal chat with the bot first, then ask again.' });
  });

  it('refuses anyone not a case manager, reading and handing over nothing', async () => {
    let read = 0;
    app.ctx.measures = withMethods<MeasureRepository>(app.measures, { inForce: () => (read++, Promise.resolve({ items: [], next: null })) });
    expect(await exportRegister(app.ctx, actor('megan'))).to.deep.equal({ text: ONLY_CASE_MANAGERS_REGISTER });
    expect([read, app.files.delivered.length, app.audit.events.length]).to.deep.equal([0, 0, 0]);
  });

  it('says so, and warns operators, when the register meets its limit (there may be more)', async () => {
    const template = (await app.measures.inForce(1, null)).items[0]!;
    const many: RegisterRecord[] = Array.from({ length: REGISTER_LIMIT }, (_, n) => ({ ...template, id: `m${n}`, customerKey: `T${n}` }));
    app.ctx.measures = withMethods<MeasureRepository>(app.measures, {
      inForce: (limit) => Promise.resolve({ items: many.slice(0, limit), next: null }),
    });
    const reply = await exportRegister(app.ctx, actor('alex'));
    expect(reply).to.have.property('text').that.includes('10,000 measures in force').and.includes('It lists the first 10,000 measures only');
    expect(app.warnings.map((w) => w.fields)).to.deep.equal([{ list: 'register', limit: REGISTER_LIMIT, read: REGISTER_LIMIT }]);
    expect(app.audit.events[0]!.details).to.deep.equal({ rows: REGISTER_LIMIT, complete: false });
  });
});
