import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { COMMANDS, parseCommand } from '../src/app/commands';
import { accentFromTemplate, drawColorIcon, drawOutlineIcon } from '../manifest/icons';
import {
  buildAppPackage,
  buildManifest,
  main,
  MANIFEST_DIR,
  MANIFEST_VERSION,
  ManifestVariablesError,
  resolveVariables,
  SCHEMA_PATH,
  validateManifest,
  type TeamsManifest,
} from '../manifest/package';

const ENV = {
  TEAMS_APP_ID: '3f2a9c1e-8b4d-4e6f-a1c2-7d9e0b3f5a68',
  BOT_ID: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
  BOT_DOMAIN: 'ubp-bot.azurewebsites.net',
};

/** The official schema, compiled here on its own so the test does not trust the build script's validator. */
function schemaValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
}

function readPng(file: string): PNG {
  return PNG.sync.read(readFileSync(join(MANIFEST_DIR, file)));
}

describe('Teams app manifest', () => {
  let validate: ReturnType<typeof schemaValidator>;
  let manifest: TeamsManifest;

  before(() => {
    validate = schemaValidator();
    manifest = buildManifest(resolveVariables(ENV).vars);
  });

  describe('manifest.json', () => {
    it('is valid against the bundled official schema of its manifest version', () => {
      expect(SCHEMA_PATH).to.include(`/v${MANIFEST_VERSION}/`);
      expect(manifest.manifestVersion).to.equal(MANIFEST_VERSION);
      expect(manifest['$schema']).to.equal(
        `https://developer.microsoft.com/en-us/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`,
      );
      const ok = validate(manifest);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).to.deep.equal([]);
      expect(ok).to.equal(true);
    });

    it('is rejected by the schema, and by the build, when it breaks a rule', () => {
      const broken = structuredClone(manifest) as TeamsManifest & { description: { short: string } };
      broken.description.short = 'x'.repeat(81);
      expect(validate(broken)).to.equal(false);
      expect(validateManifest(broken).join('\n')).to.include('/description/short');
      expect(validateManifest(manifest)).to.deep.equal([]);
    });

    it('fills every placeholder from the variables', () => {
      const text = JSON.stringify(manifest);
      expect(text).not.to.include('${{');
      expect(manifest.id).to.equal(ENV.TEAMS_APP_ID);
      expect(manifest.bots[0]!.botId).to.equal(ENV.BOT_ID);
      expect(manifest.validDomains).to.deep.equal([ENV.BOT_DOMAIN]);
      expect(manifest.webApplicationInfo).to.deep.equal({ id: ENV.BOT_ID, resource: `api://${ENV.BOT_DOMAIN}/${ENV.BOT_ID}` });
      expect(manifest['version']).to.equal(
        (JSON.parse(readFileSync(join(MANIFEST_DIR, '..', 'package.json'), 'utf8')) as { version: string }).version,
      );
    });

    it('takes the optional variables when they are given', () => {
      const aad = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
      const m = buildManifest(
        resolveVariables({
          ...ENV,
          AAD_APP_ID: aad,
          APP_VERSION: '2.3.4',
          EXTRA_VALID_DOMAINS: 'a.example.org, b.example.org',
          DEVELOPER_PRIVACY_URL: 'https://calico.example.org/privacy',
        }).vars,
      );
      expect(m.webApplicationInfo).to.deep.equal({ id: aad, resource: `api://${ENV.BOT_DOMAIN}/${aad}` });
      expect(m['version']).to.equal('2.3.4');
      expect(m.validDomains).to.deep.equal([ENV.BOT_DOMAIN, 'a.example.org', 'b.example.org']);
      expect((m['developer'] as { privacyUrl: string }).privacyUrl).to.equal('https://calico.example.org/privacy');
      expect(validate(m), JSON.stringify(validate.errors)).to.equal(true);
    });

    it('describes the bot for Calico Homes, in personal, team and group chat scopes, sending files (docs/architecture.md#files)', () => {
      const bot = manifest.bots[0]!;
      expect(manifest.bots).to.have.length(1);
      expect(bot.scopes).to.have.members(['personal', 'team', 'groupChat']);
      expect(bot.supportsFiles).to.equal(true);
      const m = manifest as TeamsManifest & {
        developer: { name: string };
        name: { short: string; full: string };
        description: { short: string; full: string };
      };
      expect(m.developer.name).to.equal('Calico Homes');
      expect(m.name.full).to.include('Calico Homes');
      expect(m.description.short.length).to.be.within(1, 80);
      expect(m.description.full.length).to.be.within(1, 4000);
      expect(manifest['accentColor']).to.match(/^#[0-9A-Fa-f]{6}$/);
      expect(manifest.icons).to.deep.equal({ color: 'color.png', outline: 'outline.png' });
    });
  });

  describe('command lists', () => {
    it('has one list per scope: personal chat, teams and group chats', () => {
      const scopes = manifest.bots[0]!.commandLists.map((l) => [...l.scopes].sort());
      expect(scopes).to.deep.equal([['personal'], ['team'], ['groupChat']]);
    });

    it('lists only commands that parseCommand reads as that very command', () => {
      for (const list of manifest.bots[0]!.commandLists) {
        for (const command of list.commands) {
          const parsed = parseCommand(command.title);
          expect(parsed, `"${command.title}" (${list.scopes.join('/')})`).to.deep.equal({ name: command.title, args: '' });
          const source = COMMANDS.find((c) => c.name === command.title)!;
          expect(command.description).to.include(source.description);
        }
      }
    });

    it('lists each command of src/app/commands.ts where it works: customer details in personal chat only, the digest in teams', () => {
      const [personal, team, group] = manifest.bots[0]!.commandLists.map((l) => l.commands.map((c) => c.title));
      const scoped = (...scopes: string[]) => COMMANDS.filter((c) => scopes.includes(c.scope)).map((c) => c.name);
      expect(personal).to.have.members(scoped('personal', 'all'));
      expect(team).to.have.members(scoped('team', 'all'));
      expect(group).to.have.members(scoped('all'));
      for (const shared of [team, group]) expect(shared).not.to.include('check'); // need-to-know (docs/rules.md#R-roles-personal-chat)
      expect(team).to.include('digest subscribe'); // docs/rules.md#R-digest-subscription
      expect(personal).not.to.include('digest subscribe');
    });

    it('tells how to give the arguments of commands that take them', () => {
      const check = manifest.bots[0]!.commandLists[0]!.commands.find((c) => c.title === 'check');
      expect(check?.description).to.include('check <customer ref>');
    });
  });

  describe('icons', () => {
    it('color.png is 192×192', () => {
      const png = readPng('color.png');
      expect([png.width, png.height]).to.deep.equal([192, 192]);
    });

    it('outline.png is 32×32, white on transparent', () => {
      const png = readPng('outline.png');
      expect([png.width, png.height]).to.deep.equal([32, 32]);
      let visible = 0;
      let transparent = 0;
      for (let i = 0; i < png.data.length; i += 4) {
        const [r, g, b, a] = [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]];
        if (a === 0) {
          transparent++;
          continue;
        }
        visible++;
        expect([r, g, b], `pixel ${i / 4} (alpha ${a})`).to.deep.equal([255, 255, 255]);
      }
      expect(visible, 'visible pixels').to.be.greaterThan(100);
      expect(transparent, 'transparent pixels').to.be.greaterThan(100);
    });

    it('are what manifest/icons.ts draws (run `npx tsx manifest/icons.ts` after changing it)', () => {
      expect(readPng('color.png').data.equals(drawColorIcon(accentFromTemplate()).data)).to.equal(true);
      expect(readPng('outline.png').data.equals(drawOutlineIcon().data)).to.equal(true);
    });
  });

  describe('app package', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'teams-package-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is a zip with exactly manifest.json and the two icons at its root', async () => {
      const zipPath = await buildAppPackage(resolveVariables(ENV).vars, dir);
      expect(zipPath).to.equal(join(dir, 'appPackage.zip'));
      const zip = await JSZip.loadAsync(readFileSync(zipPath));
      expect(Object.keys(zip.files).sort()).to.deep.equal(['color.png', 'manifest.json', 'outline.png']);
      expect(Object.values(zip.files).some((f) => f.dir)).to.equal(false);
      const inZip = JSON.parse(await zip.file('manifest.json')!.async('string')) as unknown;
      expect(inZip).to.deep.equal(manifest);
      for (const icon of ['color.png', 'outline.png']) {
        expect((await zip.file(icon)!.async('nodebuffer')).equals(readFileSync(join(MANIFEST_DIR, icon))), icon).to.equal(true);
      }
    });

    it('is built by the command line with --local and no variables at all', async () => {
      const out: string[] = [];
      const code = await main(['--local', '--out', dir], {}, { out: (l) => out.push(l), err: (l) => out.push(l) });
      expect(code, out.join('\n')).to.equal(0);
      const zip = await JSZip.loadAsync(readFileSync(join(dir, 'appPackage.zip')));
      const m = JSON.parse(await zip.file('manifest.json')!.async('string')) as TeamsManifest;
      expect(validate(m), JSON.stringify(validate.errors)).to.equal(true);
      expect(m.validDomains).to.deep.equal(['localhost']);
    });
  });

  describe('variables', () => {
    it('missing ones are all named in one clear error', () => {
      expect(() => resolveVariables({})).to.throw(ManifestVariablesError, /missing required variables: TEAMS_APP_ID, BOT_ID, BOT_DOMAIN/);
      expect(() => resolveVariables({ TEAMS_APP_ID: ENV.TEAMS_APP_ID, BOT_ID: '  ' })).to.throw(
        ManifestVariablesError,
        /missing required variables: BOT_ID, BOT_DOMAIN/,
      );
    });

    it('missing ones make the command line exit non-zero without writing a package', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'teams-package-'));
      try {
        const err: string[] = [];
        const code = await main(['--out', dir], {}, { out: () => undefined, err: (l) => err.push(l) });
        expect(code).to.not.equal(0);
        expect(err.join('\n'))
          .to.match(/TEAMS_APP_ID/)
          .and.match(/BOT_ID/)
          .and.match(/BOT_DOMAIN/);
        expect(existsSync(join(dir, 'appPackage.zip'))).to.equal(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('BOT_ID falls back to MicrosoftAppId, the variable the bot itself reads', () => {
      const { vars } = resolveVariables({ TEAMS_APP_ID: ENV.TEAMS_APP_ID, MicrosoftAppId: ENV.BOT_ID, BOT_DOMAIN: ENV.BOT_DOMAIN });
      expect(vars.BOT_ID).to.equal(ENV.BOT_ID);
    });

    it('NAME=value arguments override the environment', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'teams-package-'));
      try {
        const code = await main(['--out', dir, `BOT_DOMAIN=other.example.org`], ENV, { out: () => undefined, err: () => undefined });
        expect(code).to.equal(0);
        const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as TeamsManifest;
        expect(m.validDomains).to.deep.equal(['other.example.org']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('invalid ones are refused with the reason', () => {
      expect(() => resolveVariables({ ...ENV, BOT_DOMAIN: 'https://ubp-bot.azurewebsites.net/' })).to.throw(/BOT_DOMAIN: .* is not a host name/);
      expect(() => resolveVariables({ ...ENV, TEAMS_APP_ID: 'calico' })).to.throw(/TEAMS_APP_ID: "calico" is not a GUID/);
      expect(() => resolveVariables({ ...ENV, APP_VERSION: '1.0' })).to.throw(/APP_VERSION: "1.0" is not MAJOR.MINOR.PATCH/);
      expect(() => resolveVariables({ ...ENV, DEVELOPER_TERMS_URL: 'http://x.example.org' })).to.throw(
        /DEVELOPER_TERMS_URL: .* is not an https:\/\/ URL/,
      );
    });

    it('warns when the developer URLs are placeholders', () => {
      expect(resolveVariables(ENV).warnings.join('\n')).to.include('DEVELOPER_WEBSITE_URL');
      expect(resolveVariables(ENV, { local: true }).warnings).to.deep.equal([]);
    });
  });
});
