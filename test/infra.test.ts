import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config';
import { CONTAINERS } from '../src/store/containers';
import { arrayOf, literal, objectOf, prop, readBicep, resourcesOfType, type BicepFile, type Resource, type Value } from './support/bicep';

/**
 * Consistency checks between infra/ (Bicep, which cannot be compiled here) and the code: containers and partition keys,
 * composite indexes for the app's queries, the web app's settings against loadConfig, Cosmos RBAC, the bot endpoint,
 * the health check route and the parameters file; and that ONE user-assigned managed identity is the bot (Azure Bot
 * and MicrosoftAppId), the app's Cosmos and Graph identity (AZURE_CLIENT_ID) and the principal the documented
 * Microsoft Graph grants (az rest, in the main.bicep header and README.md) are made to, with no secret of its own; and that
 * the app's one secret, JOBS_SECRET, lives in Key Vault and reaches the app only as a Key Vault reference. The Bicep is read as text by a small reader (test/support/bicep.ts)
 * that understands strings (with ${} interpolation), comments and brackets, so commented-out code never counts.
 */

const ROOT = join(__dirname, '..');
const INFRA = join(ROOT, 'infra');
const MODULES = join(INFRA, 'modules');

/** App settings that are not app config (CONFIG_VARIABLES) but are read by the platform. Keep this list short. */
const PLATFORM_SETTINGS = [
  'APPLICATIONINSIGHTS_CONNECTION_STRING', // Application Insights agent
  'ApplicationInsightsAgent_EXTENSION_VERSION', // turns on the agent (Node on Linux: ~3)
  'SCM_DO_BUILD_DURING_DEPLOYMENT', // Oryx build (npm install + npm run build) at zip deployment
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_HEALTHCHECK_MAXPINGFAILURES',
];

/** What the production web app must set (README "Deploy to Azure and Teams"; issue "Ship to Azure"). */
const REQUIRED_SETTINGS = [
  'MicrosoftAppId',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'ALLOWED_TENANT_IDS',
  'COSMOS_ENDPOINT',
  'COSMOS_USE_MANAGED_IDENTITY',
  'AZURE_CLIENT_ID',
  'COSMOS_DATABASE',
  'HOST',
  'LOG_LEVEL',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  // Roles from Entra ID through Microsoft Graph: with auth on the app refuses to start without all three.
  'GRAPH_CASE_MANAGER_GROUP_ID',
  'GRAPH_ADMIN_GROUP_ID',
  'SERVICE_AREAS_JSON',
  // The bearer token of POST /api/jobs/:name, a Key Vault reference (docs/architecture.md#jobs).
  'JOBS_SECRET',
];

/** The Microsoft Graph directory settings: taken from infra/main.parameters.json through the module wiring, not dummies. */
const GRAPH_SETTINGS = ['GRAPH_CASE_MANAGER_GROUP_ID', 'GRAPH_ADMIN_GROUP_ID', 'SERVICE_AREAS_JSON'];

/** Client id of the user-assigned managed identity: MicrosoftAppId and AZURE_CLIENT_ID are both set from it. */
const IDENTITY_CLIENT_ID = '9a4d1e6b-2c7f-4b83-a5d0-1e3f8c6b4a29';

/**
 * Realistic stand-ins for settings whose Bicep value is an expression (resolved only at deployment). Settings with the
 * same expression must get the same stand-in (productionEnv checks it).
 */
const DUMMY_VALUES: Record<string, string> = {
  MicrosoftAppId: IDENTITY_CLIENT_ID,
  MicrosoftAppTenantId: '3c9e7f21-5a4b-4d8c-b2e1-8f0a6d4c2b17',
  ALLOWED_TENANT_IDS: '3c9e7f21-5a4b-4d8c-b2e1-8f0a6d4c2b17',
  COSMOS_ENDPOINT: 'https://cosmos-ubp-x7k2m9q4r1t8w.documents.azure.com:443/',
  AZURE_CLIENT_ID: IDENTITY_CLIENT_ID,
  COSMOS_DATABASE: 'ubp',
  TEAMS_APP_ID: '6c0a1f3e-5b7d-4c2a-9e81-2f4b6d8a0c13',
  FILES_DRIVE_ID: 'b!Xk2mQ9r1T8wLp4Rz8Tw1Ys6Bd3Fg5Hj0KmNaEo2Iu4Uq7Vn2Xc9Lp4Rz8Tw1Ys6Bd',
  LOG_LEVEL: 'info',
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=0b7e4c1a-8d2f-4e6a-9c3b-5f1d7a2e8b40;IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/',
  // What App Service resolves the Key Vault reference to: a secret as `openssl rand -base64 32` gives it.
  JOBS_SECRET: 'q7Vn2Xc9Lp4Rz8Tw1Ys6Bd3Fg5Hj0Km+Na/Eo2Iu4U=',
};

// ---------------------------------------------------------------------------------------------------------------
// The infra files
// ---------------------------------------------------------------------------------------------------------------

// Read in a before() hook, so a missing or unreadable file fails these tests only, not the loading of the suite.
let main: BicepFile;
let moduleFiles: string[];
let modules: Map<string, BicepFile>;
let all: BicepFile[];

function readInfra(): void {
  main = readBicep(join(INFRA, 'main.bicep'));
  moduleFiles = readdirSync(MODULES)
    .filter((f) => f.endsWith('.bicep'))
    .sort();
  modules = new Map(moduleFiles.map((f) => [f.replace(/\.bicep$/, ''), readBicep(join(MODULES, f))]));
  all = [main, ...modules.values()];
}

function moduleFile(name: string): BicepFile {
  const file = modules.get(name);
  if (!file) throw new Error(`infra/modules/${name}.bicep is missing`);
  return file;
}

/** The module declaration in main.bicep that deploys infra/modules/<name>.bicep. */
function moduleUse(name: string): { symbol: string; params: Map<string, Value> } {
  const uses = [...main.modules].filter(([, m]) => m.path === `modules/${name}.bicep`);
  expect(uses, `main.bicep deploys modules/${name}.bicep once`).to.have.length(1);
  return { symbol: uses[0]![0], params: uses[0]![1].params };
}

function only<T>(items: T[], what: string): T {
  expect(items, what).to.have.length(1);
  return items[0]!;
}

/** The one resource of this type that the file declares (`what` names it in the failure message). */
function onlyOfType(file: BicepFile, type: string, what: string): Resource {
  return only(
    file.resources.filter((r) => r.type === type),
    what,
  );
}

interface ParametersFile {
  parameters: Record<string, { value: unknown }>;
}

function readParameters(): ParametersFile {
  return JSON.parse(readFileSync(join(INFRA, 'main.parameters.json'), 'utf8')) as ParametersFile;
}

/**
 * The value App Service would get for an appservice.bicep setting expression `param` or `string(param)` (JSON text),
 * when main.bicep passes that module param straight from one of its own params given in main.parameters.json.
 */
function resolvedFromParameters(expression: Value, parameters: ParametersFile): string {
  const m = /^(?:(string)\(\s*(\w+)\s*\)|(\w+))$/.exec(expression.trim());
  if (!m) throw new Error(`cannot resolve ${expression}: expected a module param or string(param)`);
  const moduleParam = m[2] ?? m[3]!;
  const mainParam = moduleUse('appservice').params.get(moduleParam);
  if (mainParam === undefined || !main.params.some((p) => p.name === mainParam))
    throw new Error(`appservice ${moduleParam} is not passed a main.bicep param (${mainParam})`);
  const given = parameters.parameters[mainParam];
  if (given === undefined) throw new Error(`main.parameters.json gives no ${mainParam}`);
  if (m[1]) return JSON.stringify(given.value);
  if (typeof given.value !== 'string') throw new Error(`main.parameters.json ${mainParam} is not a string: use string(${moduleParam})`);
  return given.value;
}

// ---------------------------------------------------------------------------------------------------------------
// The documented Microsoft Graph grants (az commands in the main.bicep header and README.md)
// ---------------------------------------------------------------------------------------------------------------

/** The Microsoft Graph first-party application (its service principal owns the app roles). */
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Microsoft Graph application roles the app needs: the directory lookups, and installing the app (src/directory). */
const GRAPH_ROLES: Record<string, string> = {
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'GroupMember.Read.All': '98830695-27a2-44f7-8c18-0c3ebc9698f6',
  'TeamsAppInstallation.ReadWriteSelfForUser.All': '908de74d-f8b2-4d6b-a9ed-2a17b3b78179',
  'AppCatalog.Read.All': 'e12dae10-5a57-4817-b79d-dfbec5348930',
};

interface GrantDoc {
  where: string;
  text: string;
  /** `az deployment group create` commands: resource group and deployment name. */
  deployments: { group: string; name: string }[];
  /** VAR=$(az deployment group show ... --query properties.outputs.<output>.value -o tsv). */
  outputVariables: Map<string, { group: string; name: string; output: string }>;
  /** VAR=$(az ad sp show --id <Microsoft Graph app id> --query id -o tsv). */
  graphVariables: Set<string>;
  /** az rest --method POST --uri ".../servicePrincipals/$VAR/appRoleAssignments" --body "{...}". */
  grants: { uriVariable: string; body: Record<string, unknown> }[];
}

/** The value after a command-line flag (`-g rg`), or undefined. */
function option(command: string, flag: string): string | undefined {
  return new RegExp(`\\s${flag.replace(/-/g, '\\-')}\\s+(\\S+)`).exec(` ${command}`)?.[1];
}

/** Reads the shell commands of a text (bash: `\` continues a line) that provision and grant Graph app roles. */
function readGrantDoc(where: string, text: string): GrantDoc {
  const lines = text
    .replace(/[ \t]*\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim());
  const doc: GrantDoc = { where, text, deployments: [], outputVariables: new Map(), graphVariables: new Set(), grants: [] };
  for (const line of lines) {
    if (line.startsWith('az deployment group create ')) {
      const [group, name] = [option(line, '-g'), option(line, '-n')];
      if (!group || !name) throw new Error(`${where}: give the deployment a resource group and a name (-g, -n): ${line}`);
      doc.deployments.push({ group, name });
    }
    const assignment = /^(\w+)=\$\((.*)\)$/.exec(line);
    if (assignment && assignment[2]!.startsWith('az deployment group show ')) {
      const output = /^properties\.outputs\.(\w+)\.value$/.exec(option(assignment[2]!, '--query') ?? '')?.[1];
      const [group, name] = [option(assignment[2]!, '-g'), option(assignment[2]!, '-n')];
      if (!output || !group || !name || option(assignment[2]!, '-o') !== 'tsv')
        throw new Error(
          `${where}: expected VAR=$(az deployment group show -g <rg> -n <name> --query properties.outputs.<output>.value -o tsv): ${line}`,
        );
      doc.outputVariables.set(assignment[1]!, { group, name, output });
    } else if (assignment && assignment[2]!.startsWith('az ad sp show ')) {
      if (option(assignment[2]!, '--id') !== GRAPH_APP_ID || option(assignment[2]!, '--query') !== 'id' || option(assignment[2]!, '-o') !== 'tsv')
        throw new Error(`${where}: expected VAR=$(az ad sp show --id ${GRAPH_APP_ID} --query id -o tsv): ${line}`);
      doc.graphVariables.add(assignment[1]!);
    }
    if (/^az rest\b/.test(line) && /\s--method\s+POST\b/i.test(line)) {
      const m =
        /^az rest --method POST --uri "https:\/\/graph\.microsoft\.com\/v1\.0\/servicePrincipals\/\$(\w+)\/appRoleAssignments" --body "((?:[^"\\]|\\.)*)"$/.exec(
          line,
        );
      if (!m) throw new Error(`${where}: cannot read the grant command: ${line}`);
      doc.grants.push({ uriVariable: m[1]!, body: JSON.parse(m[2]!.replace(/\\(.)/g, '$1')) as Record<string, unknown> });
    }
  }
  return doc;
}

/** The grant commands of the main.bicep header (its leading comment block) and of README.md's deploy section. */
function grantDocs(): GrantDoc[] {
  const bicep = readFileSync(join(INFRA, 'main.bicep'), 'utf8').split('\n');
  const header = bicep.slice(
    0,
    bicep.findIndex((l) => l.trim() !== '' && !l.startsWith('//')),
  );
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Deploy to Azure and Teams');
  if (start < 0) throw new Error('README.md has no "## Deploy to Azure and Teams" section');
  const end = readme.indexOf('\n## ', start + 1);
  return [
    readGrantDoc('infra/main.bicep header', header.map((l) => l.replace(/^\/\/ ?/, '')).join('\n')),
    readGrantDoc('README.md, Deploy to Azure and Teams', readme.slice(start, end < 0 ? undefined : end)),
  ];
}

/** The AND-ed conditions of a WHERE clause, leaving parenthesised groups (e.g. an OR) whole. */
function topLevelAnds(where: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < where.length; i++) {
    if (where[i] === '(') depth++;
    else if (where[i] === ')') depth--;
    else if (depth === 0 && /^\sAND\s/i.test(where.slice(i, i + 5))) {
      parts.push(where.slice(start, i).trim());
      start = i + 5;
    }
  }
  parts.push(where.slice(start).trim());
  return parts;
}

/** Cosmos path of a query property: c.reporter.id → /reporter/id. */
const toPath = (expr: string) => '/' + expr.replace(/^c\./, '').split('.').join('/');

describe('infra (Bicep) stays in step with the code', () => {
  before(readInfra);

  it('reads every Bicep file and every module is deployed by main.bicep', () => {
    expect(moduleFiles).to.include.members(['identity.bicep', 'cosmos.bicep', 'monitoring.bicep', 'appservice.bicep', 'bot.bicep', 'keyvault.bicep']);
    for (const name of modules.keys()) moduleUse(name);
    for (const [symbol, m] of main.modules) expect(existsSync(join(INFRA, m.path)), `${symbol}: ${m.path} exists`).to.equal(true);
  });

  it('passes every required module parameter, and only declared ones', () => {
    for (const [name, file] of modules) {
      const { params } = moduleUse(name);
      const declared = file.params.map((p) => p.name);
      expect(
        [...params.keys()].filter((k) => !declared.includes(k)),
        `unknown params passed to ${name}`,
      ).to.deep.equal([]);
      const required = file.params.filter((p) => !p.hasDefault).map((p) => p.name);
      expect(
        required.filter((k) => !params.has(k)),
        `required params of ${name} not passed`,
      ).to.deep.equal([]);
    }
  });

  it('uses GA API versions (diagnostic settings excepted: they have no GA version)', () => {
    const previews = all.flatMap((f) =>
      f.resources
        .filter((r) => r.apiVersion.includes('preview') && r.type !== 'Microsoft.Insights/diagnosticSettings')
        .map((r) => `${r.type}@${r.apiVersion}`),
    );
    expect(previews).to.deep.equal([]);
  });

  describe('Cosmos DB', () => {
    let cosmos: BicepFile;
    before(() => (cosmos = moduleFile('cosmos')));
    const declared = () => arrayOf(cosmos.vars.get('containers') ?? '[]').map((item) => objectOf(item));

    it('declares every container of src/store/containers.ts with the same id and partition key, and no other', () => {
      const inBicep = declared().map((c) => `${literal(prop(c, 'id'))} ${literal(prop(c, 'partitionKeyPath'))}`);
      const inCode = Object.values(CONTAINERS).map((c) => `${c.id} ${c.partitionKey}`);
      expect(new Set(inBicep).size, 'each container once').to.equal(inBicep.length);
      const difference = { missingFromInfra: inCode.filter((c) => !inBicep.includes(c)), notInCode: inBicep.filter((c) => !inCode.includes(c)) };
      expect(difference, 'containers "id partitionKey"').to.deep.equal({ missingFromInfra: [], notInCode: [] });
    });

    it('creates the containers from that list only (one looped resource, id and partition key from the list)', () => {
      const { file, resource } = only(resourcesOfType(all, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers'), 'containers resources');
      expect(file.path).to.equal(cosmos.path);
      expect(resource.loopSource, 'loops over var containers').to.equal('containers');
      const c = resource.loopVariable!;
      expect(prop(resource.body, 'name')).to.equal(`${c}.id`);
      expect(prop(resource.body, 'properties.resource.id')).to.equal(`${c}.id`);
      expect(arrayOf(prop(resource.body, 'properties.resource.partitionKey.paths'))).to.deep.equal([`${c}.partitionKeyPath`]);
      expect(literal(prop(resource.body, 'properties.resource.partitionKey.kind'))).to.equal('Hash');
      expect(prop(resource.body, 'properties.resource.indexingPolicy.compositeIndexes')).to.equal(`${c}.compositeIndexes`);
      expect(literal(prop(resource.body, 'properties.resource.indexingPolicy.indexingMode'))).to.equal('consistent');
    });

    it('has a composite index for every filtered + sorted query in src/store', () => {
      const storeDir = join(ROOT, 'src', 'store');
      const queries: { container: string; query: string }[] = [];
      for (const f of readdirSync(storeDir).filter((n) => n.endsWith('.ts'))) {
        const source = readFileSync(join(storeDir, f), 'utf8');
        const re = /this\.(\w+)\.items\s*\.query(?:<[^()]*?>)?\(\s*\{\s*query:\s*(['"`])((?:(?!\2)[\s\S])*)\2/g;
        for (const m of source.matchAll(re)) queries.push({ container: m[1]!, query: m[3]! });
        // One page of a query across customers (src/store/pages.ts queryPage): the container, then the query.
        const paged = /queryPage(?:<[^()]*?>)?\(\s*this\.(\w+),\s*this\.bounded,\s*(['"`])((?:(?!\2)[\s\S])*)\2/g;
        for (const m of source.matchAll(paged)) queries.push({ container: m[1]!, query: m[3]! });
      }
      const sorted = queries.filter((q) => /\bORDER\s+BY\b/i.test(q.query));
      expect(sorted.length, 'found the sorted queries of src/store (IncidentStore.reportedBy at least)').to.be.greaterThan(0);
      expect(
        sorted.some((q) => q.query.includes('c.type = "appeal" AND c.status = "open" AND c.dueOn <= @until')),
        'found the paged queries too (AppealStore.openDueBy)',
      ).to.equal(true);

      const indexes = new Map(
        declared().map((c) => [
          literal(prop(c, 'id'))!,
          arrayOf(prop(c, 'compositeIndexes')).map((index) =>
            arrayOf(index).map((entry) => `${literal(prop(entry, 'path'))} ${literal(prop(entry, 'order'))}`),
          ),
        ]),
      );
      for (const { container, query } of sorted) {
        expect(Object.keys(CONTAINERS), `the container queried by: ${query}`).to.include(container);
        const m = /\bWHERE\s+([\s\S]*?)\s+ORDER\s+BY\s+([\s\S]*?)\s*(?:OFFSET\b|$)/i.exec(query);
        const orderBy = (m ? m[2]! : /\bORDER\s+BY\s+([\s\S]*)$/i.exec(query)![1]!).split(',').map((term) => {
          const [field, dir] = term.trim().split(/\s+/);
          return `${toPath(field!)} ${dir?.toUpperCase() === 'DESC' ? 'descending' : 'ascending'}`;
        });
        const conditions = m ? topLevelAnds(m[1]!) : [];
        const equalities = conditions.map((cond) => /^(c(?:\.\w+)+)\s*=\s*\S+$/.exec(cond)?.[1]).filter((x): x is string => !!x);
        if (equalities.length === 0 && orderBy.length < 2) continue; // a range index serves it
        const wanted = [...equalities.map((e) => `${toPath(e)} ascending`), ...orderBy];
        const served = (indexes.get(CONTAINERS[container as keyof typeof CONTAINERS].id) ?? []).some(
          (index) =>
            index.length === wanted.length &&
            index.slice(equalities.length).join() === orderBy.join() &&
            [...index.slice(0, equalities.length)].sort().join() === [...wanted.slice(0, equalities.length)].sort().join(),
        );
        expect(served, `a composite index [${wanted.join(', ')}] on ${container} for: ${query}`).to.equal(true);
      }
    });

    it('disables account keys and grants the web app identity the built-in Data Contributor role', () => {
      const account = onlyOfType(cosmos, 'Microsoft.DocumentDB/databaseAccounts', 'one Cosmos account');
      expect(prop(account.body, 'properties.disableLocalAuth')).to.equal('true');
      expect(prop(account.body, 'properties.capabilities')).to.match(/^serverless \? serverlessCapabilities : \[\]$/);
      expect(arrayOf(cosmos.vars.get('serverlessCapabilities')!).map((c) => literal(prop(c, 'name')))).to.deep.equal(['EnableServerless']);

      const assignment = onlyOfType(cosmos, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments', 'one Cosmos SQL role assignment');
      expect(prop(assignment.body, 'parent')).to.equal(account.symbol);
      const roleVar = /^'\$\{(\w+)\.id\}\/sqlRoleDefinitions\/\$\{(\w+)\}'$/.exec(prop(assignment.body, 'properties.roleDefinitionId'));
      expect(roleVar, 'roleDefinitionId is <account>/sqlRoleDefinitions/<role>').to.not.equal(null);
      expect(literal(cosmos.vars.get(roleVar![2]!) ?? '')).to.equal('00000000-0000-0000-0000-000000000002');
      expect(prop(assignment.body, 'properties.scope')).to.equal(`${account.symbol}.id`);
      const principal = prop(assignment.body, 'properties.principalId');
      const identity = moduleUse('identity').symbol;
      expect(moduleUse('cosmos').params.get(principal), 'principal is the web app identity').to.equal(`${identity}.outputs.principalId`);
    });

    it('names the database after the same value the web app gets as COSMOS_DATABASE', () => {
      const database = onlyOfType(cosmos, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases', 'one SQL database');
      const nameParam = prop(database.body, 'name');
      expect(prop(database.body, 'properties.resource.id')).to.equal(nameParam);
      expect(cosmos.outputs.get('databaseName')).to.equal(`${database.symbol}.name`);
      const cosmosUse = moduleUse('cosmos');
      expect(moduleUse('appservice').params.get('cosmosDatabaseName')).to.equal(`${cosmosUse.symbol}.outputs.databaseName`);
      // The default database name is the app's default (COSMOS_DATABASE default 'ubp').
      const dbParam = cosmosUse.params.get(nameParam);
      const mainParam = main.params.find((p) => p.name === dbParam);
      expect(literal(mainParam?.defaultValue ?? ''), `main.bicep param ${dbParam} defaults to the app's default`).to.equal(
        loadConfig({}).cosmos.database,
      );
    });
  });

  describe('Web app', () => {
    let app: BicepFile;
    let site: Resource;
    before(() => {
      app = moduleFile('appservice');
      site = onlyOfType(app, 'Microsoft.Web/sites', 'one web app');
    });
    const settings = () => arrayOf(prop(site.body, 'properties.siteConfig.appSettings')).map((s) => objectOf(s));
    const settingMap = () => {
      const map = new Map<string, Value>();
      for (const s of settings()) {
        const name = literal(prop(s, 'name'));
        expect(name, 'app setting names are literals').to.be.a('string');
        expect(map.has(name!), `app setting ${name} is set once`).to.equal(false);
        map.set(name!, prop(s, 'value'));
      }
      return map;
    };
    const appParam = (setting: string) => settingMap().get(setting)!;

    it('sets every app setting production needs, each a config variable or a documented platform setting', () => {
      const names = [...settingMap().keys()];
      expect(
        REQUIRED_SETTINGS.filter((n) => !names.includes(n)),
        'missing app settings',
      ).to.deep.equal([]);
      expect(
        names.filter((n) => !CONFIG_VARIABLES.includes(n) && !PLATFORM_SETTINGS.includes(n)),
        'unknown app settings',
      ).to.deep.equal([]);
      expect(names, 'no account key: managed identity only').to.not.include('COSMOS_KEY');
    });

    /** The environment App Service gives the app: literals, the parameters file (Graph settings), realistic dummies. */
    const productionEnv = () => {
      const parameters = readParameters();
      const env: NodeJS.ProcessEnv = { PORT: '8080' }; // set by App Service
      const byExpression = new Map<Value, { name: string; value: string }>();
      for (const [name, value] of settingMap()) {
        const fixed = literal(value);
        if (fixed !== undefined) env[name] = fixed;
        else if (GRAPH_SETTINGS.includes(name)) env[name] = resolvedFromParameters(value, parameters);
        else if (DUMMY_VALUES[name] !== undefined) env[name] = DUMMY_VALUES[name];
        else if (PLATFORM_SETTINGS.includes(name)) env[name] = 'platform-value';
        else throw new Error(`app setting ${name} = ${value}: add a realistic dummy value to DUMMY_VALUES`);
        // The same Bicep expression resolves to the same value at deployment: so must the stand-ins.
        const same = byExpression.get(value);
        if (same && same.value !== env[name])
          throw new Error(`app settings ${same.name} and ${name} are both ${value}: give them the same value in DUMMY_VALUES`);
        byExpression.set(value, { name, value: env[name] });
      }
      return env;
    };

    it('gives loadConfig a production configuration (auth on, remote Cosmos through the managed identity, Graph directory)', () => {
      const env = productionEnv();
      const config = loadConfig(env);
      expect(config.auth).to.deep.equal({
        appId: IDENTITY_CLIENT_ID,
        appPassword: '', // no secret: the bot authenticates as the managed identity
        appType: 'UserAssignedMSI',
        tenantId: DUMMY_VALUES.MicrosoftAppTenantId,
      });
      expect(config.allowedTenantIds).to.deep.equal([DUMMY_VALUES.ALLOWED_TENANT_IDS]);
      expect(config.host).to.equal('0.0.0.0');
      expect(config.port).to.equal(8080);
      expect(config.cosmos).to.deep.equal({
        mode: 'remote',
        endpoint: DUMMY_VALUES.COSMOS_ENDPOINT,
        database: DUMMY_VALUES.COSMOS_DATABASE,
        managedIdentityClientId: DUMMY_VALUES.AZURE_CLIENT_ID,
        atomicBatch: true, // Azure Cosmos DB runs transactional batches atomically
      });
      const parameters = readParameters().parameters;
      expect(config.directory).to.deep.equal({
        mode: 'graph',
        caseManagerGroupId: parameters.graphCaseManagerGroupId?.value,
        adminGroupId: parameters.graphAdminGroupId?.value,
        dataProtectionGroupId: null, // optional: admins alone answer subject access requests until it is set
        serviceAreas: parameters.serviceAreas?.value,
        managedIdentityClientId: DUMMY_VALUES.AZURE_CLIENT_ID,
      });
      // The Teams app's manifest id: the bot installs the app for people who have never chatted with it (R-outbox-install).
      expect(config.teamsApp).to.deep.equal({ manifestId: DUMMY_VALUES.TEAMS_APP_ID, catalogId: null, serviceUrl: null });
      // One identity for the Bot Connector, Cosmos DB and Microsoft Graph.
      expect(config.cosmos.mode === 'remote' && config.cosmos.managedIdentityClientId).to.equal(config.auth?.appId);
      expect(config.directory.mode === 'graph' && config.directory.managedIdentityClientId).to.equal(config.auth?.appId);
      expect(config.jobs.secret, 'POST /api/jobs/:name is on').to.equal(DUMMY_VALUES.JOBS_SECRET);
    });

    for (const missing of GRAPH_SETTINGS)
      it(`would not start without ${missing} (auth on needs a real directory)`, () => {
        const env = productionEnv();
        expect(env[missing], `${missing} is an app setting`).to.be.a('string').with.length.greaterThan(0);
        delete env[missing];
        expect(() => loadConfig(env))
          .to.throw(ConfigError)
          .with.property('message')
          .that.matches(/GRAPH_CASE_MANAGER_GROUP_ID: .*(set all of|real directory)/);
      });

    it('refuses a malformed SERVICE_AREAS_JSON from the parameters (e.g. a deputy that is not an object id)', () => {
      const env = productionEnv();
      const areas = JSON.parse(env.SERVICE_AREAS_JSON!) as { deputy: string | null }[];
      areas[0]!.deputy = 'Megan Bowen';
      env.SERVICE_AREAS_JSON = JSON.stringify(areas);
      expect(() => loadConfig(env)).to.throw(ConfigError, /SERVICE_AREAS_JSON: must be a JSON array/);
    });

    it('wires each setting to the right source', () => {
      const use = moduleUse('appservice').params;
      const id = moduleUse('identity').symbol;
      const cosmosSym = moduleUse('cosmos').symbol;
      const monitoring = moduleUse('monitoring').symbol;
      expect(use.get(appParam('AZURE_CLIENT_ID'))).to.equal(`${id}.outputs.clientId`);
      expect(use.get(appParam('COSMOS_ENDPOINT'))).to.equal(`${cosmosSym}.outputs.endpoint`);
      expect(use.get(appParam('APPLICATIONINSIGHTS_CONNECTION_STRING'))).to.equal(`${monitoring}.outputs.appInsightsConnectionString`);
      expect(use.get(appParam('MicrosoftAppId'))).to.equal(`${id}.outputs.clientId`);
      expect(use.get(appParam('MicrosoftAppTenantId'))).to.equal(`${id}.outputs.tenantId`);
      const tenants = /^join\((\w+), ','\)$/.exec(appParam('ALLOWED_TENANT_IDS'));
      expect(tenants, 'ALLOWED_TENANT_IDS joins an array with commas').to.not.equal(null);
      expect(use.get(tenants![1]!)).to.equal('allowedTenantIds');
      expect(literal(appParam('COSMOS_USE_MANAGED_IDENTITY'))).to.equal('true');
      expect(use.get(appParam('GRAPH_CASE_MANAGER_GROUP_ID'))).to.equal('graphCaseManagerGroupId');
      expect(use.get(appParam('GRAPH_ADMIN_GROUP_ID'))).to.equal('graphAdminGroupId');
      const areas = /^string\((\w+)\)$/.exec(appParam('SERVICE_AREAS_JSON'));
      expect(areas, 'SERVICE_AREAS_JSON is string(<array param>), i.e. its JSON text').to.not.equal(null);
      expect(app.params.find((p) => p.name === areas![1])?.type).to.equal('array');
      expect(use.get(areas![1]!)).to.equal('serviceAreas');
      expect(main.params.find((p) => p.name === 'serviceAreas')?.type).to.equal('array');
    });

    it('runs as the user-assigned identity only, and is the bot as that identity (UserAssignedMSI, no password)', () => {
      const id = moduleUse('identity').symbol;
      const use = moduleUse('appservice').params;
      expect(literal(prop(site.body, 'identity.type'))).to.equal('UserAssigned');
      const assigned = [...objectOf(prop(site.body, 'identity.userAssignedIdentities')).keys()];
      expect(assigned, 'exactly one identity is assigned to the web app').to.have.length(1);
      const identityParam = /^\$\{(\w+)\}$/.exec(assigned[0]!)?.[1];
      expect(identityParam, 'the identity is a module param').to.be.a('string');
      expect(use.get(identityParam!)).to.equal(`${id}.outputs.id`);
      // MicrosoftAppId (the bot) and AZURE_CLIENT_ID (Cosmos DB, Graph) are the client id of that same identity.
      expect(appParam('MicrosoftAppId'), 'MicrosoftAppId and AZURE_CLIENT_ID are the same expression').to.equal(appParam('AZURE_CLIENT_ID'));
      expect(use.get(appParam('MicrosoftAppId'))).to.equal(`${id}.outputs.clientId`);
      expect(literal(appParam('MicrosoftAppType'))).to.equal('UserAssignedMSI');
      expect(settingMap().has('MicrosoftAppPassword'), 'no MicrosoftAppPassword app setting').to.equal(false);
      // Key Vault references are resolved as that identity too.
      expect(use.get(prop(site.body, 'properties.keyVaultReferenceIdentity')), 'keyVaultReferenceIdentity').to.equal(`${id}.outputs.id`);
    });

    it('is hardened: Linux Node LTS, HTTPS only, FTPS off, TLS 1.2, Always On', () => {
      const plan = onlyOfType(app, 'Microsoft.Web/serverfarms', 'one plan');
      expect(prop(plan.body, 'properties.reserved')).to.equal('true');
      expect(literal(prop(site.body, 'kind'))).to.equal('app,linux');
      expect(prop(site.body, 'properties.httpsOnly')).to.equal('true');
      const config = objectOf(prop(site.body, 'properties.siteConfig'));
      expect(literal(prop(config, 'ftpsState'))).to.equal('Disabled');
      expect(literal(prop(config, 'minTlsVersion'))).to.equal('1.2');
      expect(prop(config, 'alwaysOn')).to.equal('true');
      const runtime = app.params.find((p) => p.name === prop(config, 'linuxFxVersion'));
      expect(runtime, 'linuxFxVersion comes from a param').to.not.equal(undefined);
      expect(literal(runtime?.defaultValue ?? '')).to.match(/^NODE\|(20|22)-lts$/);
      expect(literal(prop(config, 'appCommandLine'))).to.match(/^node .*dist\/src\/index\.js$/);
      expect(existsSync(join(ROOT, 'src', 'index.ts')), 'the start command runs the compiled src/index.ts').to.equal(true);
    });

    it('health-checks /healthz, a GET route of the HTTP server', () => {
      const path = literal(prop(site.body, 'properties.siteConfig.healthCheckPath'));
      expect(path).to.equal('/healthz');
      expect(readFileSync(join(ROOT, 'src', 'http', 'server.ts'), 'utf8')).to.include(`server.get('${path}'`);
    });
  });

  describe('Azure Bot', () => {
    let botFile: BicepFile;
    let bot: Resource;
    before(() => {
      botFile = moduleFile('bot');
      bot = onlyOfType(botFile, 'Microsoft.BotService/botServices', 'one bot');
    });

    it('is a UserAssignedMSI registration of the web app identity, whose endpoint is the web app /api/messages', () => {
      const endpoint = prop(bot.body, 'properties.endpoint');
      const host = /^'https:\/\/\$\{(\w+)\}\/api\/messages'$/.exec(endpoint);
      expect(host, `endpoint ${endpoint} is https://<host>/api/messages`).to.not.equal(null);
      expect(readFileSync(join(ROOT, 'src', 'http', 'server.ts'), 'utf8')).to.include(`server.post('/api/messages'`);
      const use = moduleUse('bot').params;
      expect(use.get(host![1]!)).to.equal(`${moduleUse('appservice').symbol}.outputs.defaultHostName`);
      expect(literal(prop(bot.body, 'properties.msaAppType'))).to.equal('UserAssignedMSI');
      const appSettings = arrayOf(
        prop(onlyOfType(moduleFile('appservice'), 'Microsoft.Web/sites', 'one web app').body, 'properties.siteConfig.appSettings'),
      ).map((s) => objectOf(s));
      const appType = appSettings.find((s) => literal(prop(s, 'name')) === 'MicrosoftAppType');
      expect(appType && literal(prop(appType, 'value')), 'the web app has the same MicrosoftAppType').to.equal('UserAssignedMSI');
    });

    it('is the same identity as the web app: msaAppId = MicrosoftAppId = AZURE_CLIENT_ID, msaAppMSIResourceId = the web app identity', () => {
      const id = moduleUse('identity').symbol;
      const botUse = moduleUse('bot').params;
      const appUse = moduleUse('appservice').params;
      const app = onlyOfType(moduleFile('appservice'), 'Microsoft.Web/sites', 'one web app');
      const setting = (name: string) => {
        const found = arrayOf(prop(app.body, 'properties.siteConfig.appSettings'))
          .map((s) => objectOf(s))
          .filter((s) => literal(prop(s, 'name')) === name);
        return prop(only(found, `app setting ${name}`), 'value');
      };
      /** The main.bicep expression a module param is given: resolves `param` through the module use. */
      const source = (use: Map<string, Value>, expression: Value) => {
        expect(expression, `${expression} is a plain module param`).to.match(/^\w+$/);
        return use.get(expression);
      };
      const clientId = `${id}.outputs.clientId`;
      expect(source(botUse, prop(bot.body, 'properties.msaAppId')), 'Azure Bot msaAppId').to.equal(clientId);
      expect(source(appUse, setting('MicrosoftAppId')), 'web app MicrosoftAppId').to.equal(clientId);
      expect(source(appUse, setting('AZURE_CLIENT_ID')), 'web app AZURE_CLIENT_ID').to.equal(clientId);
      expect(source(botUse, prop(bot.body, 'properties.msaAppMSIResourceId')), 'Azure Bot msaAppMSIResourceId').to.equal(`${id}.outputs.id`);
      const siteIdentity = /^\$\{(\w+)\}$/.exec([...objectOf(prop(app.body, 'identity.userAssignedIdentities')).keys()][0] ?? '')?.[1];
      expect(appUse.get(siteIdentity ?? ''), 'the web app runs as that identity').to.equal(`${id}.outputs.id`);
      // Single-tenant, in the identity's tenant, on both sides.
      expect(source(botUse, prop(bot.body, 'properties.msaAppTenantId')), 'Azure Bot msaAppTenantId').to.equal(`${id}.outputs.tenantId`);
      expect(source(appUse, setting('MicrosoftAppTenantId')), 'web app MicrosoftAppTenantId').to.equal(`${id}.outputs.tenantId`);
      // The identity module's outputs are what they say.
      const identityFile = moduleFile('identity');
      const msi = onlyOfType(identityFile, 'Microsoft.ManagedIdentity/userAssignedIdentities', 'one user-assigned identity');
      expect(identityFile.outputs.get('id')).to.equal(`${msi.symbol}.id`);
      expect(identityFile.outputs.get('clientId')).to.equal(`${msi.symbol}.properties.clientId`);
      expect(identityFile.outputs.get('principalId')).to.equal(`${msi.symbol}.properties.principalId`);
      expect(identityFile.outputs.get('tenantId')).to.equal(`${msi.symbol}.properties.tenantId`);
    });

    it('has the Microsoft Teams channel', () => {
      const channel = onlyOfType(botFile, 'Microsoft.BotService/botServices/channels', 'one channel');
      expect(prop(channel.body, 'parent')).to.equal(bot.symbol);
      expect(literal(prop(channel.body, 'name'))).to.equal('MsTeamsChannel');
      expect(literal(prop(channel.body, 'properties.channelName'))).to.equal('MsTeamsChannel');
      expect(prop(channel.body, 'properties.properties.isEnabled')).to.equal('true');
    });

    it('outputs what the Teams manifest needs: botId (BOT_ID, hence webApplicationInfo.id) is the identity client id', () => {
      for (const name of ['botId', 'botEndpoint', 'botDomain', 'webAppName', 'cosmosEndpoint', 'identityClientId', 'identityPrincipalId'])
        expect(main.outputs.has(name), `output ${name}`).to.equal(true);
      const id = moduleUse('identity').symbol;
      expect(main.outputs.get('botDomain')).to.equal(`${moduleUse('appservice').symbol}.outputs.defaultHostName`);
      expect(main.outputs.get('botId')).to.equal(`${id}.outputs.clientId`);
      expect(main.outputs.get('identityClientId')).to.equal(`${id}.outputs.clientId`);
      expect(main.outputs.get('identityPrincipalId')).to.equal(`${id}.outputs.principalId`);
    });
  });

  describe('The one secret: JOBS_SECRET in Key Vault', () => {
    let vaultFile: BicepFile;
    let vault: Resource;
    before(() => {
      vaultFile = moduleFile('keyvault');
      vault = onlyOfType(vaultFile, 'Microsoft.KeyVault/vaults', 'one Key Vault');
    });
    const jobsSetting = () => {
      const site = onlyOfType(moduleFile('appservice'), 'Microsoft.Web/sites', 'one web app');
      const settings = arrayOf(prop(site.body, 'properties.siteConfig.appSettings')).map((s) => objectOf(s));
      const setting = only(
        settings.filter((s) => literal(prop(s, 'name')) === 'JOBS_SECRET'),
        'app setting JOBS_SECRET',
      );
      return { site, value: prop(setting, 'value') };
    };

    it('is the only secure parameter: jobsSecret, @secure() and at least 32 characters, passed to the Key Vault module only', () => {
      const secure = all.flatMap((file) => file.params.filter((p) => p.secure).map((p) => `${file.path.slice(INFRA.length + 1)}: ${p.name}`));
      expect(secure).to.deep.equal(['main.bicep: jobsSecret', 'modules/keyvault.bicep: jobsSecret']);
      for (const file of [main, vaultFile])
        expect(file.text, `${file.path}: jobsSecret is at least 32 characters`).to.match(/@minLength\(32\)\s*param jobsSecret string\s*\n/);
      for (const [symbol, m] of main.modules)
        expect(
          [...m.params.values()].filter((v) => /\bjobsSecret\b/.test(v)),
          `${symbol} is passed jobsSecret only if it is the Key Vault module`,
        ).to.deep.equal(m.path === 'modules/keyvault.bicep' ? ['jobsSecret'] : []);
      expect(moduleUse('keyvault').params.get('jobsSecret')).to.equal('jobsSecret');
      for (const file of all) {
        const where = file.path.slice(INFRA.length + 1);
        expect(
          file.params.filter((p) => /password|credential/i.test(p.name)).map((p) => p.name),
          `${where}: password parameters`,
        ).to.deep.equal([]);
        expect(file.text, `${where} mentions no MicrosoftAppPassword outside comments`).to.not.include('MicrosoftAppPassword');
        expect(
          [...file.outputs.values()].filter((v) => /\bjobsSecret\b/.test(v)),
          `${where}: no output is the secret`,
        ).to.deep.equal([]);
      }
    });

    it('the vault uses RBAC authorization, soft delete and purge protection, and holds jobsSecret as a secret', () => {
      expect(prop(vault.body, 'properties.enableRbacAuthorization')).to.equal('true');
      expect(prop(vault.body, 'properties.enableSoftDelete')).to.equal('true');
      expect(prop(vault.body, 'properties.enablePurgeProtection')).to.equal('true');
      expect(Number(prop(vault.body, 'properties.softDeleteRetentionInDays'))).to.equal(90);
      expect(objectOf(prop(vault.body, 'properties')).has('accessPolicies'), 'no access policies').to.equal(false);
      const secret = onlyOfType(vaultFile, 'Microsoft.KeyVault/vaults/secrets', 'one secret');
      expect(prop(secret.body, 'parent')).to.equal(vault.symbol);
      expect(prop(secret.body, 'properties.value')).to.equal('jobsSecret');
      const uri = `${secret.symbol}.properties.secretUri`;
      expect(vaultFile.outputs.get('jobsSecretUri'), 'the URI without a version (the latest is read)').to.equal(uri);
    });

    it('the web app identity gets Key Vault Secrets User on the vault, and nothing more', () => {
      const assignment = onlyOfType(vaultFile, 'Microsoft.Authorization/roleAssignments', 'one role assignment');
      expect(prop(assignment.body, 'scope')).to.equal(vault.symbol);
      const roleDefinition = prop(assignment.body, 'properties.roleDefinitionId');
      const role = /^subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (\w+)\)$/.exec(roleDefinition);
      expect(role, 'a built-in role definition').to.not.equal(null);
      expect(literal(vaultFile.vars.get(role![1]!) ?? ''), 'Key Vault Secrets User').to.equal('4633458b-17de-408a-b874-0445c86b69e6');
      expect(literal(prop(assignment.body, 'properties.principalType'))).to.equal('ServicePrincipal');
      const principal = prop(assignment.body, 'properties.principalId');
      expect(moduleUse('keyvault').params.get(principal), 'the web app identity').to.equal(`${moduleUse('identity').symbol}.outputs.principalId`);
    });

    it('the app setting JOBS_SECRET is a Key Vault reference to that secret, resolved as the user-assigned identity', () => {
      const { site, value } = jobsSetting();
      const uriParam = /^'@Microsoft\.KeyVault\(SecretUri=\$\{(\w+)\}\)'$/.exec(value)?.[1];
      expect(uriParam, `${value} is @Microsoft.KeyVault(SecretUri=\${<param>})`).to.be.a('string');
      expect(moduleUse('appservice').params.get(uriParam!)).to.equal(`${moduleUse('keyvault').symbol}.outputs.jobsSecretUri`);
      const identity = prop(site.body, 'properties.keyVaultReferenceIdentity');
      expect(moduleUse('appservice').params.get(identity)).to.equal(`${moduleUse('identity').symbol}.outputs.id`);
      const secureInApp = moduleFile('appservice').params.filter((p) => p.secure);
      expect(secureInApp, 'the web app module never sees the secret').to.deep.equal([]);
    });

    it('outputs the vault name (to read or rotate the secret)', () => {
      expect(main.outputs.get('keyVaultName')).to.equal(`${moduleUse('keyvault').symbol}.outputs.name`);
    });
  });

  describe('Microsoft Graph permissions (granted outside Bicep)', () => {
    let docs: GrantDoc[];
    before(() => (docs = grantDocs()));

    it('are documented as az rest grants to the principalId output of the identity the app runs as', () => {
      const id = moduleUse('identity').symbol;
      const msi = onlyOfType(moduleFile('identity'), 'Microsoft.ManagedIdentity/userAssignedIdentities', 'one user-assigned identity');
      expect(moduleFile('identity').outputs.get('principalId')).to.equal(`${msi.symbol}.properties.principalId`);
      for (const doc of docs) {
        expect(doc.grants.length, `${doc.where}: grant commands`).to.be.greaterThan(0);
        expect(doc.deployments.length, `${doc.where}: the deployment command`).to.be.greaterThan(0);
        for (const { uriVariable, body } of doc.grants) {
          expect(Object.keys(body).sort(), `${doc.where}: body`).to.deep.equal(['appRoleId', 'principalId', 'resourceId']);
          expect(body.principalId, `${doc.where}: the body grants the principal of the URI`).to.equal(`$${uriVariable}`);
          const source = doc.outputVariables.get(uriVariable);
          expect(source, `${doc.where}: $${uriVariable} is read from a deployment output`).to.not.equal(undefined);
          expect(doc.deployments, `${doc.where}: ${uriVariable} is read from the deployment made above`).to.deep.include({
            group: source!.group,
            name: source!.name,
          });
          expect(main.outputs.has(source!.output), `${doc.where}: output ${source!.output} exists in main.bicep`).to.equal(true);
          expect(main.outputs.get(source!.output), `${doc.where}: output ${source!.output} is the identity's principalId`).to.equal(
            `${id}.outputs.principalId`,
          );
          const resource = /^\$(\w+)$/.exec(String(body.resourceId))?.[1];
          expect(doc.graphVariables.has(resource ?? ''), `${doc.where}: resourceId is Microsoft Graph's service principal`).to.equal(true);
        }
      }
    });

    it('grant exactly the roles of the directory and of installing the app, the same in both places, each named', () => {
      const granted = docs.map((doc) => doc.grants.map((g) => String(g.body.appRoleId)).sort());
      for (const [n, doc] of docs.entries()) {
        expect(granted[n], `${doc.where}: app roles granted`).to.deep.equal(Object.values(GRAPH_ROLES).sort());
        for (const name of Object.keys(GRAPH_ROLES)) expect(doc.text, `${doc.where} names ${name}`).to.include(name);
        expect(doc.text, `${doc.where}: no app registration permissions`).to.not.match(/az ad app permission/);
      }
    });
  });

  describe('main.parameters.json', () => {
    let parameters: ParametersFile;
    before(() => (parameters = readParameters()));

    it('names only parameters of main.bicep, and every required one (never a secure one)', () => {
      const declared = main.params.map((p) => p.name);
      const given = Object.keys(parameters.parameters);
      expect(
        given.filter((k) => !declared.includes(k)),
        'unknown parameters',
      ).to.deep.equal([]);
      const required = main.params.filter((p) => !p.hasDefault && !p.secure).map((p) => p.name);
      expect(
        required.filter((k) => !given.includes(k)),
        'required parameters missing',
      ).to.deep.equal([]);
      for (const p of main.params.filter((x) => x.secure)) expect(given, `secure ${p.name} is never in the file`).to.not.include(p.name);
    });

    it('declares the parameters the issue asks for', () => {
      const declared = main.params.map((p) => p.name);
      expect(declared).to.include.members([
        'namePrefix',
        'location',
        'allowedTenantIds',
        'cosmosThroughputMode',
        'cosmosAutoscaleMaxThroughput',
        'instanceCount',
        'graphCaseManagerGroupId',
        'graphAdminGroupId',
        'serviceAreas',
      ]);
    });
  });
});
