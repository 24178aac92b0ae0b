import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config';
import { isLoopback } from '../src/net';
import { PACKAGE_ROOT } from '../src/paths';

/** The problems loadConfig reports for an environment (fails the test if it accepted it). */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return expect.fail(`expected a ConfigError for ${JSON.stringify(env)}`);
}

const AREAS = [
  {
    id: 'housing-management',
    name: 'Housing Management',
    headOfService: '6f1c1f52-3d0e-4a43-9a55-3a8f1f0d2a11',
    deputy: '0a3b5c7d-1e2f-4a5b-8c9d-0e1f2a3b4c5d',
    alternates: ['7e2d4c6b-8a9f-4b1c-9d3e-2f4a6b8c0d1e'],
  },
];
const GRAPH = {
  GRAPH_CASE_MANAGER_GROUP_ID: '2b7e1c3a-9f4d-4e21-8a6b-5c0d9e8f7a61',
  GRAPH_ADMIN_GROUP_ID: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  SERVICE_AREAS_JSON: JSON.stringify(AREAS),
};
const APP = {
  MicrosoftAppId: '00000000-0000-0000-0000-00000000a99',
  MicrosoftAppPassword: 'secret',
  MicrosoftAppTenantId: 'tenant-1',
  ALLOWED_TENANT_IDS: 'tenant-1',
  ...GRAPH,
};

/** The limits with nothing configured (README "Security"). */
const DEFAULT_LIMITS = {
  maxBodyBytes: 256 * 1024,
  actionDeadlineMs: 5000,
  messageDeadlineMs: 10_000,
  cosmosTimeoutMs: 2500,
  connectorTimeoutMs: 4000,
  graphTimeoutMs: 2500,
  maxTurnsInFlight: 48,
  reservedTurns: 16,
  shutdownTimeoutMs: 15_000,
};

/** The scheduled jobs with nothing configured (docs/architecture.md#jobs). */
const DEFAULT_JOBS = {
  secret: null,
  schedules: { digest: '0 8 * * 1', reminders: '0 * * * *', lapses: '5 * * * *', retention: '30 2 * * *' },
  retentionMonths: 72,
  leaseMs: 600_000,
  tickMs: 30_000,
  waitMs: 10_000,
};

/** Installing the app for people who have never chatted with the bot, with nothing configured: off. */
const NO_TEAMS_APP = { manifestId: null, catalogId: null, serviceUrl: null };

/** A JOBS_SECRET as `openssl rand -base64 32` gives it. */
const JOBS_SECRET = 'q7Vn2Xc9Lp4Rz8Tw1Ys6Bd3Fg5Hj0Km+Na/Eo2Iu4U=';

describe('loadConfig', () => {
  it('defaults: embedded Cosmos, loopback 127.0.0.1:3978, auth off (runs on a laptop with no configuration)', () => {
    expect(loadConfig({})).to.deep.equal({
      port: 3978,
      host: '127.0.0.1',
      auth: null,
      allowedTenantIds: [],
      cosmos: { mode: 'embedded', database: 'ubp' },
      directory: { mode: 'file', file: undefined },
      teamsApp: NO_TEAMS_APP,
      filesDriveId: null,
      outboxPollMs: 1000,
      outboxScanMs: 300_000,
      logLevel: 'info',
      policyAdoptedOn: null,
      limits: DEFAULT_LIMITS,
      jobs: DEFAULT_JOBS,
    });
  });

  it('ignores unrelated environment variables', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' }).host).to.equal('127.0.0.1');
  });

  it('without an app id, loopback hosts are allowed', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) {
      expect(isLoopback(host), host).to.equal(true);
      expect(loadConfig({ HOST: host }).host).to.equal(host);
    }
  });

  describe('refuses to listen beyond loopback without authentication (R-sec-loopback-without-auth)', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'bot.example.org']) {
      it(`HOST=${host} without MicrosoftAppId → one problem naming HOST`, () => {
        const problems = problemsOf({ HOST: host });
        expect(problems).to.have.length(1);
        expect(problems[0]).to.match(/^HOST: /);
        expect(problems[0]).to.include(host);
        expect(problems[0]).to.include('MicrosoftAppId');
      });
    }

    it('the error message lists each problem on its own line', () => {
      expect(() => loadConfig({ HOST: '0.0.0.0', COSMOS_KEY: 'k' }))
        .to.throw(ConfigError, /^Invalid configuration:\n {2}- HOST: .*\n {2}- COSMOS_ENDPOINT: /)
        .with.property('problems')
        .that.has.length(2);
    });
  });

  describe('with an app id (Bot Framework auth on)', () => {
    it('a missing password, tenant id and allowed tenants are three separate problems', () => {
      const problems = problemsOf({ MicrosoftAppId: APP.MicrosoftAppId, ...GRAPH });
      expect(problems).to.have.length(3);
      expect(problems.find((p) => p.startsWith('MicrosoftAppPassword: '))).to.include('MicrosoftAppId');
      expect(problems.find((p) => p.startsWith('MicrosoftAppTenantId: '))).to.include('SingleTenant');
      expect(problems.find((p) => p.startsWith('ALLOWED_TENANT_IDS: '))).to.include('tenant');
    });

    it('each problem alone is reported alone', () => {
      for (const missing of ['MicrosoftAppPassword', 'MicrosoftAppTenantId', 'ALLOWED_TENANT_IDS'] as const) {
        const env: NodeJS.ProcessEnv = { ...APP };
        delete env[missing];
        const problems = problemsOf(env);
        expect(problems, missing).to.have.length(1);
        expect(problems[0], missing).to.match(new RegExp(`^${missing}: `));
      }
    });

    it('an allowed-tenant list of only commas and spaces counts as missing', () => {
      expect(problemsOf({ ...APP, ALLOWED_TENANT_IDS: ' , ,' })).to.have.length(1);
    });

    it('MultiTenant needs no tenant id; UserAssignedMSI needs no password', () => {
      expect(loadConfig({ ...APP, MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' }).auth?.appType).to.equal('MultiTenant');
      expect(loadConfig({ ...APP, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: '' }).auth?.appType).to.equal('UserAssignedMSI');
    });

    it('an unknown app type is refused', () => {
      expect(problemsOf({ ...APP, MicrosoftAppType: 'Whatever' })[0]).to.match(/^MicrosoftAppType: /);
    });

    it('listens on all interfaces by default, since requests are authenticated', () => {
      expect(loadConfig({ ...APP }).host).to.equal('0.0.0.0');
    });
  });

  describe('Cosmos DB', () => {
    it('COSMOS_ENDPOINT without COSMOS_KEY or managed identity is refused', () => {
      const problems = problemsOf({ COSMOS_ENDPOINT: 'https://ubp.documents.azure.com:443/' });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^COSMOS_KEY: /);
      expect(problems[0]).to.include('COSMOS_USE_MANAGED_IDENTITY');
    });

    it('COSMOS_KEY or managed identity without COSMOS_ENDPOINT is refused', () => {
      expect(problemsOf({ COSMOS_KEY: 'k' })).to.have.length(1);
      expect(problemsOf({ COSMOS_KEY: 'k' })[0]).to.match(/^COSMOS_ENDPOINT: /);
      expect(problemsOf({ COSMOS_USE_MANAGED_IDENTITY: 'true' })[0]).to.match(/^COSMOS_ENDPOINT: /);
    });

    it('refuses an endpoint that is not an http(s) URL, a bad boolean and a bad database name', () => {
      expect(problemsOf({ COSMOS_ENDPOINT: 'ftp://ubp.example.org/', COSMOS_KEY: 'k' })[0]).to.match(/^COSMOS_ENDPOINT: /);
      expect(problemsOf({ COSMOS_ENDPOINT: 'not a url', COSMOS_KEY: 'k' })[0]).to.match(/^COSMOS_ENDPOINT: /);
      expect(problemsOf({ COSMOS_USE_MANAGED_IDENTITY: 'yes' })[0]).to.match(/^COSMOS_USE_MANAGED_IDENTITY: /);
      expect(problemsOf({ COSMOS_DATABASE: 'ub p' })[0]).to.match(/^COSMOS_DATABASE: /);
    });

    it('a key-based remote account', () => {
      expect(
        loadConfig({ COSMOS_ENDPOINT: 'https://ubp.documents.azure.com:443/', COSMOS_KEY: 'k', COSMOS_DATABASE: 'ub-prod' }).cosmos,
      ).to.deep.equal({
        mode: 'remote',
        endpoint: 'https://ubp.documents.azure.com:443/',
        database: 'ub-prod',
        atomicBatch: true,
        key: 'k',
      });
    });

    it('the local embedded server may be reached over plain http', () => {
      expect(loadConfig({ COSMOS_ENDPOINT: 'http://127.0.0.1:8081/', COSMOS_KEY: 'k' }).cosmos.mode).to.equal('remote');
    });
  });

  it('refuses a bad port and a bad log level', () => {
    expect(problemsOf({ PORT: 'http' })[0]).to.match(/^PORT: /);
    expect(problemsOf({ PORT: '70000' })[0]).to.match(/^PORT: /);
    expect(problemsOf({ LOG_LEVEL: 'loud' })[0]).to.match(/^LOG_LEVEL: /);
  });

  it('a good production configuration (App Service: managed identity for Cosmos, auth on, allowed tenants)', () => {
    const config = loadConfig({
      PORT: '8080',
      MicrosoftAppId: APP.MicrosoftAppId,
      MicrosoftAppPassword: 'secret',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: 'tenant-1',
      ALLOWED_TENANT_IDS: 'tenant-1, tenant-2',
      COSMOS_ENDPOINT: 'https://ubp.documents.azure.com:443/',
      COSMOS_USE_MANAGED_IDENTITY: 'true',
      AZURE_CLIENT_ID: 'mi-client-id',
      COSMOS_DATABASE: 'ubp',
      LOG_LEVEL: 'warn',
      ...GRAPH,
    });
    expect(config).to.deep.equal({
      port: 8080,
      host: '0.0.0.0',
      auth: { appId: APP.MicrosoftAppId, appPassword: 'secret', appType: 'SingleTenant', tenantId: 'tenant-1' },
      allowedTenantIds: ['tenant-1', 'tenant-2'],
      cosmos: {
        mode: 'remote',
        endpoint: 'https://ubp.documents.azure.com:443/',
        database: 'ubp',
        atomicBatch: true,
        managedIdentityClientId: 'mi-client-id',
      },
      directory: {
        mode: 'graph',
        caseManagerGroupId: GRAPH.GRAPH_CASE_MANAGER_GROUP_ID,
        adminGroupId: GRAPH.GRAPH_ADMIN_GROUP_ID,
        dataProtectionGroupId: null,
        serviceAreas: AREAS,
        managedIdentityClientId: 'mi-client-id',
      },
      teamsApp: NO_TEAMS_APP,
      filesDriveId: null,
      outboxPollMs: 1000,
      outboxScanMs: 300_000,
      logLevel: 'warn',
      policyAdoptedOn: null,
      limits: DEFAULT_LIMITS,
      jobs: DEFAULT_JOBS,
    });
  });

  it('GRAPH_DATA_PROTECTION_GROUP_ID: the data protection team (subject access exports), optional, an Entra group id', () => {
    const group = 'c0ffee00-1234-4abc-8def-0123456789ab';
    expect(loadConfig({ ...GRAPH, GRAPH_DATA_PROTECTION_GROUP_ID: group }).directory).to.include({ dataProtectionGroupId: group });
    expect(problemsOf({ ...GRAPH, GRAPH_DATA_PROTECTION_GROUP_ID: 'data-protection' })[0]).to.match(/^GRAPH_DATA_PROTECTION_GROUP_ID: /);
  });

  it('POLICY_ADOPTED_ON is the date the landlord adopted the policy text the app carries', () => {
    expect(loadConfig({ POLICY_ADOPTED_ON: '2025-04-01' }).policyAdoptedOn).to.equal('2025-04-01');
    expect(problemsOf({ POLICY_ADOPTED_ON: '1 April 2025' })[0]).to.match(/^POLICY_ADOPTED_ON: /);
    expect(problemsOf({ POLICY_ADOPTED_ON: '2025-02-30' })[0]).to.match(/^POLICY_ADOPTED_ON: /);
  });

  describe('limits', () => {
    it('are configurable, and each dependency bound must fit inside the deadline that waits for it', () => {
      expect(loadConfig({ ACTION_DEADLINE_MS: '8000', COSMOS_TIMEOUT_MS: '4000', MAX_BODY_KB: '64' }).limits).to.include({
        actionDeadlineMs: 8000,
        cosmosTimeoutMs: 4000,
        maxBodyBytes: 64 * 1024,
      });
      expect(problemsOf({ COSMOS_TIMEOUT_MS: '5000' })).to.deep.equal(['COSMOS_TIMEOUT_MS: must be less than ACTION_DEADLINE_MS (5000)']);
      expect(problemsOf({ GRAPH_TIMEOUT_MS: '6000' })).to.deep.equal(['GRAPH_TIMEOUT_MS: must be less than ACTION_DEADLINE_MS (5000)']);
      expect(problemsOf({ CONNECTOR_TIMEOUT_MS: '10000' })).to.deep.equal(['CONNECTOR_TIMEOUT_MS: must be less than MESSAGE_DEADLINE_MS (10000)']);
      expect(problemsOf({ RESERVED_TURNS: '48' })).to.deep.equal(['RESERVED_TURNS: must be less than MAX_TURNS_IN_FLIGHT (48)']);
      expect(problemsOf({ ACTION_DEADLINE_MS: '50' })[0]).to.match(/^ACTION_DEADLINE_MS: /);
      expect(problemsOf({ MAX_TURNS_IN_FLIGHT: 'lots' })[0]).to.match(/^MAX_TURNS_IN_FLIGHT: /);
    });

    it('running as a user-assigned managed identity, the bot id and the identity used for Cosmos and Graph are one', () => {
      const msi = { ...APP, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: '', MicrosoftAppId: 'mi-client-id' };
      expect(loadConfig(msi).auth).to.deep.include({ appType: 'UserAssignedMSI', appId: 'mi-client-id' });
      expect(problemsOf({ ...msi, AZURE_CLIENT_ID: 'another-identity' })).to.deep.equal([
        'AZURE_CLIENT_ID: with MicrosoftAppType=UserAssignedMSI the bot runs as that identity: AZURE_CLIENT_ID must equal MicrosoftAppId',
      ]);
    });
  });

  describe('directory', () => {
    it('with auth on, the sample directory is refused: roles must come from Graph or a named file', () => {
      const { GRAPH_CASE_MANAGER_GROUP_ID: _a, GRAPH_ADMIN_GROUP_ID: _b, SERVICE_AREAS_JSON: _c, ...noDirectory } = APP;
      expect(problemsOf(noDirectory)[0]).to.match(/^GRAPH_CASE_MANAGER_GROUP_ID: .*real directory/);
      expect(loadConfig({ ...noDirectory, DIRECTORY_FILE: '/etc/ub/directory.json' }).directory).to.deep.equal({
        mode: 'file',
        file: '/etc/ub/directory.json',
      });
    });

    it('Graph settings come all together, and not with DIRECTORY_FILE', () => {
      expect(problemsOf({ GRAPH_ADMIN_GROUP_ID: GRAPH.GRAPH_ADMIN_GROUP_ID })[0]).to.match(/^GRAPH_CASE_MANAGER_GROUP_ID: set all of/);
      expect(problemsOf({ ...GRAPH, DIRECTORY_FILE: 'x.json' })[0]).to.match(/^DIRECTORY_FILE: choose one/);
    });

    it('SERVICE_AREAS_JSON must be valid JSON of service areas with Entra object ids', () => {
      expect(problemsOf({ ...GRAPH, SERVICE_AREAS_JSON: '[{' })[0]).to.match(/^SERVICE_AREAS_JSON: /);
      expect(problemsOf({ ...GRAPH, SERVICE_AREAS_JSON: JSON.stringify([{ ...AREAS[0], headOfService: 'megan' }]) })[0]).to.match(
        /^SERVICE_AREAS_JSON: /,
      );
    });

    it('managed identity for Cosmos needs AZURE_CLIENT_ID (the user-assigned identity)', () => {
      expect(problemsOf({ COSMOS_ENDPOINT: 'https://ubp.documents.azure.com:443/', COSMOS_USE_MANAGED_IDENTITY: 'true' })[0]).to.match(
        /^AZURE_CLIENT_ID: /,
      );
    });
  });

  describe('scheduled jobs', () => {
    it('schedules are cron patterns in UK time, each configurable', () => {
      const jobs = loadConfig({
        DIGEST_SCHEDULE: '30 7 * * 1-5',
        REMINDERS_SCHEDULE: '*/15 * * * *',
        LAPSES_SCHEDULE: '@daily',
        RETENTION_SCHEDULE: '0 3 * * 0',
      }).jobs;
      expect(jobs.schedules).to.deep.equal({ digest: '30 7 * * 1-5', reminders: '*/15 * * * *', lapses: '@daily', retention: '0 3 * * 0' });
      expect(loadConfig({}).jobs.schedules.retention, 'nightly at 02:30 by default').to.equal('30 2 * * *');
    });

    it('a schedule that is not five cron fields, or never matches a date, is refused naming its variable', () => {
      for (const [name, pattern] of [
        ['DIGEST_SCHEDULE', 'every monday'],
        ['DIGEST_SCHEDULE', '0 8 * * 8'],
        ['REMINDERS_SCHEDULE', '0 0 * * * *'], // a seconds field
        ['LAPSES_SCHEDULE', '61 * * * *'],
        ['LAPSES_SCHEDULE', '0 0 30 2 *'], // 30 February
        ['REMINDERS_SCHEDULE', ''],
      ]) {
        const problems = problemsOf({ [name!]: pattern });
        expect(problems, pattern).to.have.length(1);
        expect(problems[0], pattern).to.match(new RegExp(`^${name}: not a cron schedule of five fields in UK time .*: .+`));
      }
      expect(problemsOf({ LAPSES_SCHEDULE: '0 0 30 2 *' })[0]).to.include('never matches a date');
    });

    it('RETENTION_MONTHS: 72 by default, whole months from 12 (a lapsed measure is listed for review for 30 days)', () => {
      expect(loadConfig({}).jobs.retentionMonths).to.equal(72);
      expect(loadConfig({ RETENTION_MONTHS: '84' }).jobs.retentionMonths).to.equal(84);
      for (const bad of ['11', '0', '-72', '6.5', 'six years', '1201'])
        expect(problemsOf({ RETENTION_MONTHS: bad })[0], bad).to.match(/^RETENTION_MONTHS: /);
    });

    it('JOBS_SECRET turns POST /api/jobs/:name on; empty is off', () => {
      expect(loadConfig({ JOBS_SECRET }).jobs.secret).to.equal(JOBS_SECRET);
      expect(loadConfig({ JOBS_SECRET: '' }).jobs.secret).to.equal(null);
      expect(loadConfig({ JOBS_SECRET: 'a'.repeat(32) }).jobs.secret, 'hex or base64url is fine').to.have.length(32);
    });

    it('a JOBS_SECRET that is short, or not a token a bearer header can carry, is refused', () => {
      for (const secret of ['a'.repeat(31), 'correct horse battery staple and more words', `${'a'.repeat(40)}"`, 'é'.repeat(40), 'a'.repeat(1025)])
        expect(problemsOf({ JOBS_SECRET: secret }), secret.slice(0, 10)).to.deep.equal([
          'JOBS_SECRET: must be 32 to 1,024 characters of letters, digits and - . _ ~ + / (e.g. the output of `openssl rand -base64 32`)',
        ]);
    });

    it('a Key Vault reference App Service could not resolve is refused as such', () => {
      const problems = problemsOf({ JOBS_SECRET: '@Microsoft.KeyVault(SecretUri=https://kv-ubp-x.vault.azure.net/secrets/jobs-secret)' });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^JOBS_SECRET: is an unresolved Key Vault reference: .*Key Vault Secrets User/);
    });

    it('lease, tick and wait are bounded, and fit the Cosmos timeout and the shutdown deadline', () => {
      expect(loadConfig({ JOB_LEASE_MS: '120000', JOBS_TICK_MS: '50', JOBS_WAIT_MS: '3000' }).jobs).to.include({
        leaseMs: 120_000,
        tickMs: 50,
        waitMs: 3000,
      });
      expect(problemsOf({ JOB_LEASE_MS: '5000' })).to.deep.equal(['JOB_LEASE_MS: must be more than twice COSMOS_TIMEOUT_MS (2500)']);
      expect(problemsOf({ JOBS_WAIT_MS: '15000' })).to.deep.equal(['JOBS_WAIT_MS: must be less than SHUTDOWN_TIMEOUT_MS (15000)']);
      expect(problemsOf({ JOBS_TICK_MS: '5' })[0]).to.match(/^JOBS_TICK_MS: /);
      expect(problemsOf({ JOB_LEASE_MS: 'ten minutes' })[0]).to.match(/^JOB_LEASE_MS: /);
      expect(problemsOf({ JOBS_WAIT_MS: '500' })[0]).to.match(/^JOBS_WAIT_MS: /);
    });
  });

  describe('installing the app for people who have never chatted with the bot (R-outbox-install)', () => {
    const MANIFEST_ID = '6c0a1f3e-5b7d-4c2a-9e81-2f4b6d8a0c13';
    const CATALOG_ID = 'a1b2c3d4-0000-4000-8000-00000000c0de';

    it('the catalogue id, the manifest id to look it up by, and Teams’ service URL', () => {
      const env = { TEAMS_APP_ID: MANIFEST_ID, TEAMS_CATALOG_APP_ID: CATALOG_ID, TEAMS_SERVICE_URL: 'https://smba.trafficmanager.net/uk/' };
      expect(loadConfig(env).teamsApp).to.deep.equal({
        manifestId: MANIFEST_ID,
        catalogId: CATALOG_ID,
        serviceUrl: 'https://smba.trafficmanager.net/uk/',
      });
    });

    it('blank counts as unset (an App Service setting left empty, a copied .env.example line)', () => {
      expect(loadConfig({ TEAMS_APP_ID: '', TEAMS_CATALOG_APP_ID: '', TEAMS_SERVICE_URL: '' }).teamsApp).to.deep.equal(NO_TEAMS_APP);
    });

    it('refuses ids that are not GUIDs, and a service URL that is not https (plain http only on loopback)', () => {
      expect(problemsOf({ TEAMS_APP_ID: 'ub-bot', TEAMS_CATALOG_APP_ID: '{' + CATALOG_ID + '}' })).to.deep.equal([
        'TEAMS_APP_ID: must be the Teams manifest id (a GUID)',
        "TEAMS_CATALOG_APP_ID: must be the app's id in the organisation's app catalogue (a GUID)",
      ]);
      for (const url of ['http://smba.trafficmanager.net/uk/', 'ftp://127.0.0.1/', 'smba.trafficmanager.net'])
        expect(problemsOf({ TEAMS_SERVICE_URL: url }), url).to.deep.equal([
          'TEAMS_SERVICE_URL: must be an https URL (plain http only for loopback test servers)',
        ]);
      for (const url of ['http://127.0.0.1:3979/', 'http://localhost/', 'http://[::1]:8080/'])
        expect(loadConfig({ TEAMS_SERVICE_URL: url }).teamsApp.serviceUrl).to.equal(url);
    });
  });

  describe('files (docs/architecture.md#files)', () => {
    const DRIVE = 'b!Xk2mQ9r1T8wLp4Rz8Tw1Ys6Bd3Fg5Hj0KmNaEo2Iu4Uq7Vn2Xc9Lp4Rz8Tw1Ys6Bd';

    it('FILES_DRIVE_ID names the document library, through the Graph directory; blank or unset, files go to the personal chat', () => {
      expect(loadConfig({ ...GRAPH, FILES_DRIVE_ID: DRIVE }).filesDriveId).to.equal(DRIVE);
      expect(loadConfig({ FILES_DRIVE_ID: '' }).filesDriveId).to.equal(null);
      expect(problemsOf({ FILES_DRIVE_ID: DRIVE })).to.deep.equal([
        'FILES_DRIVE_ID: needs the Microsoft Graph directory settings: files are saved through Graph as the identity that reads the directory',
      ]);
    });

    it('refuses what is not a drive id (a site URL, a path, a GUID)', () => {
      for (const bad of [
        'https://calico.sharepoint.com/sites/ub/Shared%20Documents',
        'b!short',
        'b!../../etc',
        '6c0a1f3e-5b7d-4c2a-9e81-2f4b6d8a0c13',
      ])
        expect(problemsOf({ ...GRAPH, FILES_DRIVE_ID: bad })[0], bad).to.match(/^FILES_DRIVE_ID: must be the document library's drive id/);
    });
  });

  it('every variable the app reads is documented in README.md and .env.example', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const example = readFileSync(join(PACKAGE_ROOT, '.env.example'), 'utf8');
    for (const name of CONFIG_VARIABLES) {
      expect(readme, `README.md documents ${name}`).to.include(`\`${name}\``);
      expect(example, `.env.example lists ${name}`).to.match(new RegExp(`^${name}=`, 'm'));
    }
  });
});
