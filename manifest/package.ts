/**
 * Builds the Teams app package: manifest/build/appPackage.zip, holding manifest.json, color.png and
 * outline.png at the zip root (plus manifest/build/manifest.json, to read). The manifest is
 * manifest.template.json with its ${{NAME}} placeholders filled in, the bot's command lists generated
 * from COMMANDS in src/app/commands.ts, and the result checked against the official v1.30 JSON
 * schema (bundled in @microsoft/app-manifest, offline) before anything is written.
 *
 *   npm run package                                   production: the required variables must be set
 *   npm run package -- --local                        try-out: unset required variables get local defaults
 *   npm run package -- BOT_DOMAIN=ubp.example.net     NAME=value arguments override the environment
 *   npm run package -- --out /tmp/pkg                 write somewhere else than manifest/build/
 *
 * Variables (environment, or NAME=value arguments; empty counts as unset):
 *   TEAMS_APP_ID    required  GUID of the Teams app; keep it the same for every version of the app. Give the bot's
 *                             TEAMS_APP_ID setting the same value: it finds the app in the catalogue by it.
 *   BOT_ID          required  the bot's Microsoft App ID, i.e. the app's MicrosoftAppId (used when BOT_ID is unset).
 *                             In Azure that is the client id of the user-assigned managed identity the bot runs as:
 *                             the botId output of infra/main.bicep.
 *   BOT_DOMAIN      required  host name the bot is served from, without https://, port or path
 *                             (e.g. ubp-bot.azurewebsites.net). Becomes validDomains and the SSO resource.
 *   AAD_APP_ID      optional  Entra app id for webApplicationInfo.id; default BOT_ID. Leave it unset in Azure: the
 *                             identity the bot runs as is also the one that calls Microsoft Graph, and Graph's
 *                             Teams app installation for users (docs/rules.md#R-outbox-install) accepts only the app named in
 *                             webApplicationInfo.id. The resource api://BOT_DOMAIN/AAD_APP_ID is used for tab SSO
 *                             only, which this app does not request (a managed identity has no Application ID URI).
 *   APP_VERSION     optional  MAJOR.MINOR.PATCH; default package.json's version. Raise it for every upload.
 *   EXTRA_VALID_DOMAINS       optional  comma-separated host names added to validDomains.
 *   DEVELOPER_WEBSITE_URL, DEVELOPER_PRIVACY_URL, DEVELOPER_TERMS_URL
 *                   optional  https URLs shown on the app's details page; default to Calico Homes
 *                             placeholders under https://www.calicohomes.example/ (a warning says so).
 * --local defaults, for unset required variables only: TEAMS_APP_ID 6c0a1f3e-5b7d-4c2a-9e81-2f4b6d8a0c13,
 * BOT_ID 00000000-0000-0000-0000-000000000000, BOT_DOMAIN localhost. Set BOT_ID and BOT_DOMAIN (e.g. a dev
 * tunnel's host) to side-load the local package into a real Teams client.
 *
 * Missing or invalid variables: every problem is listed on stderr and the exit code is 1.
 * The icons are committed; manifest/icons.ts redraws them (npx tsx manifest/icons.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import JSZip from 'jszip';
import { COMMANDS, worksIn } from '../src/app/commands';

export const MANIFEST_DIR = __dirname;
export const DEFAULT_OUT_DIR = join(MANIFEST_DIR, 'build');
export const PACKAGE_FILE = 'appPackage.zip';
/** The Teams manifest schema version the template is written for. */
export const MANIFEST_VERSION = '1.30';
export const SCHEMA_PATH = join(
  dirname(require.resolve('@microsoft/app-manifest/package.json')),
  'build/json-schemas/teams',
  `v${MANIFEST_VERSION}`,
  'MicrosoftTeams.schema.json',
);
/** Files that go into the zip, at its root, besides manifest.json. */
export const ICON_FILES = ['color.png', 'outline.png'] as const;

export interface ManifestVars {
  TEAMS_APP_ID: string;
  BOT_ID: string;
  BOT_DOMAIN: string;
  AAD_APP_ID: string;
  APP_VERSION: string;
  DEVELOPER_WEBSITE_URL: string;
  DEVELOPER_PRIVACY_URL: string;
  DEVELOPER_TERMS_URL: string;
  EXTRA_VALID_DOMAINS: string[];
}

export const REQUIRED_VARIABLES = ['TEAMS_APP_ID', 'BOT_ID', 'BOT_DOMAIN'] as const;

export const LOCAL_DEFAULTS: Record<(typeof REQUIRED_VARIABLES)[number], string> = {
  TEAMS_APP_ID: '6c0a1f3e-5b7d-4c2a-9e81-2f4b6d8a0c13',
  BOT_ID: '00000000-0000-0000-0000-000000000000',
  BOT_DOMAIN: 'localhost',
};

const PLACEHOLDER_DEVELOPER_SITE = 'https://www.calicohomes.example';

export class ManifestVariablesError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Cannot build the Teams app manifest:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Set them in the environment or as NAME=value arguments (npm run package -- --local fills in local defaults).',
    );
    this.name = 'ManifestVariablesError';
  }
}

const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
/** The schema's semver pattern: Teams accepts MAJOR.MINOR.PATCH only. */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(MANIFEST_DIR, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Reads the variables from `env` (see the comment at the top of this file). Throws ManifestVariablesError
 * listing every missing or invalid one. `warnings` are things a production package should not ship with.
 */
export function resolveVariables(
  env: Record<string, string | undefined>,
  options: { local?: boolean } = {},
): { vars: ManifestVars; warnings: string[] } {
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const problems: string[] = [];
  const warnings: string[] = [];
  const given: Record<(typeof REQUIRED_VARIABLES)[number], string | undefined> = {
    TEAMS_APP_ID: get('TEAMS_APP_ID'),
    BOT_ID: get('BOT_ID') ?? get('MicrosoftAppId'),
    BOT_DOMAIN: get('BOT_DOMAIN'),
  };
  const missing = REQUIRED_VARIABLES.filter((n) => given[n] === undefined);
  if (missing.length > 0 && !options.local) {
    const hints: Record<string, string> = {
      TEAMS_APP_ID: 'GUID of the Teams app',
      BOT_ID: "the bot's Microsoft App ID (or set MicrosoftAppId)",
      BOT_DOMAIN: 'host name the bot is served from, e.g. ubp-bot.azurewebsites.net',
    };
    problems.push(`missing required variable${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
    for (const n of missing) problems.push(`${n}: ${hints[n]}`);
  }
  const TEAMS_APP_ID = given.TEAMS_APP_ID ?? LOCAL_DEFAULTS.TEAMS_APP_ID;
  const BOT_ID = given.BOT_ID ?? LOCAL_DEFAULTS.BOT_ID;
  const BOT_DOMAIN = given.BOT_DOMAIN ?? LOCAL_DEFAULTS.BOT_DOMAIN;
  const AAD_APP_ID = get('AAD_APP_ID') ?? BOT_ID;
  const APP_VERSION = get('APP_VERSION') ?? packageVersion();
  const EXTRA_VALID_DOMAINS = (get('EXTRA_VALID_DOMAINS') ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);

  const guids = { TEAMS_APP_ID, BOT_ID, AAD_APP_ID };
  for (const [name, value] of Object.entries(guids)) {
    if (!GUID.test(value)) problems.push(`${name}: "${value}" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
  }
  for (const [name, value] of [['BOT_DOMAIN', BOT_DOMAIN], ...EXTRA_VALID_DOMAINS.map((d) => ['EXTRA_VALID_DOMAINS', d])] as const) {
    if (!HOST.test(value))
      problems.push(`${name}: "${value}" is not a host name (give it without https://, port or path, e.g. ubp-bot.azurewebsites.net)`);
  }
  if (!SEMVER.test(APP_VERSION)) problems.push(`APP_VERSION: "${APP_VERSION}" is not MAJOR.MINOR.PATCH`);

  const urls = {
    DEVELOPER_WEBSITE_URL: get('DEVELOPER_WEBSITE_URL'),
    DEVELOPER_PRIVACY_URL: get('DEVELOPER_PRIVACY_URL'),
    DEVELOPER_TERMS_URL: get('DEVELOPER_TERMS_URL'),
  };
  const urlDefaults = {
    DEVELOPER_WEBSITE_URL: `${PLACEHOLDER_DEVELOPER_SITE}/`,
    DEVELOPER_PRIVACY_URL: `${PLACEHOLDER_DEVELOPER_SITE}/privacy`,
    DEVELOPER_TERMS_URL: `${PLACEHOLDER_DEVELOPER_SITE}/terms`,
  };
  for (const [name, value] of Object.entries(urls)) {
    if (value === undefined) {
      if (!options.local) warnings.push(`${name} is not set: using a placeholder (${urlDefaults[name as keyof typeof urls]})`);
    } else if (!/^https:\/\/[^\s/]+/i.test(value)) problems.push(`${name}: "${value}" is not an https:// URL`);
  }

  if (problems.length > 0) throw new ManifestVariablesError(problems);
  return {
    vars: {
      TEAMS_APP_ID,
      BOT_ID,
      BOT_DOMAIN,
      AAD_APP_ID,
      APP_VERSION,
      DEVELOPER_WEBSITE_URL: urls.DEVELOPER_WEBSITE_URL ?? urlDefaults.DEVELOPER_WEBSITE_URL,
      DEVELOPER_PRIVACY_URL: urls.DEVELOPER_PRIVACY_URL ?? urlDefaults.DEVELOPER_PRIVACY_URL,
      DEVELOPER_TERMS_URL: urls.DEVELOPER_TERMS_URL ?? urlDefaults.DEVELOPER_TERMS_URL,
      EXTRA_VALID_DOMAINS,
    },
    warnings,
  };
}

export type BotScope = 'personal' | 'team' | 'groupChat';
export interface CommandList {
  scopes: BotScope[];
  commands: { title: string; description: string }[];
}
export interface TeamsManifest {
  manifestVersion: string;
  id: string;
  bots: { botId: string; scopes: BotScope[]; supportsFiles: boolean; commandLists: CommandList[] }[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
  icons: { color: string; outline: string };
  [key: string]: unknown;
}

/**
 * The bot's command lists, from COMMANDS: one per scope, each with the commands that work there (src/app/commands.ts
 * `scope`): personal chat, a team's channels, and group chats.
 * Title is what Teams puts in the compose box (the command name, as parseCommand reads it); commands that
 * take arguments say how in their description.
 */
export function commandLists(): CommandList[] {
  const listed = (commands: readonly (typeof COMMANDS)[number][]) =>
    commands.map((c) => ({
      title: c.name,
      description: c.usage === c.name ? c.description : `${c.description}. Type: ${c.usage}`,
    }));
  // Channels and group chats see only what is safe for everyone there to see (need-to-know, docs/rules.md#R-roles-personal-chat).
  return [
    { scopes: ['personal'], commands: listed(COMMANDS.filter((c) => worksIn(c, 'personal'))) },
    { scopes: ['team'], commands: listed(COMMANDS.filter((c) => worksIn(c, 'team'))) },
    { scopes: ['groupChat'], commands: listed(COMMANDS.filter((c) => worksIn(c, 'group'))) },
  ];
}

function fillPlaceholders(value: unknown, vars: ManifestVars, where: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_all, name: string) => {
      const v = (vars as unknown as Record<string, unknown>)[name];
      if (typeof v !== 'string') throw new Error(`manifest.template.json ${where}: unknown placeholder \${{${name}}}`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => fillPlaceholders(v, vars, `${where}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPlaceholders(v, vars, `${where}.${k}`)]));
  }
  return value;
}

/** The manifest for these variables: the template filled in, with the command lists from COMMANDS. Pure: writes nothing. */
export function buildManifest(vars: ManifestVars): TeamsManifest {
  const template: unknown = JSON.parse(readFileSync(join(MANIFEST_DIR, 'manifest.template.json'), 'utf8'));
  const manifest = fillPlaceholders(template, vars, '$') as TeamsManifest;
  const bot = manifest.bots[0];
  if (!bot || manifest.bots.length !== 1) throw new Error('manifest.template.json must declare exactly one bot');
  bot.commandLists = commandLists();
  manifest.validDomains = [...new Set([...manifest.validDomains, ...vars.EXTRA_VALID_DOMAINS])];
  return manifest;
}

let validator: ReturnType<Ajv['compile']> | undefined;
/** Problems found by the official JSON schema (empty when valid). Offline: the schema ships in node_modules. */
export function validateManifest(manifest: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
  }
  if (validator(manifest)) return [];
  return (validator.errors ?? []).map(
    (e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
}

/** Builds, validates and writes `outDir`/appPackage.zip (and `outDir`/manifest.json). Returns the zip's path. */
export async function buildAppPackage(vars: ManifestVars, outDir: string = DEFAULT_OUT_DIR): Promise<string> {
  const manifest = buildManifest(vars);
  const problems = validateManifest(manifest);
  if (problems.length > 0)
    throw new Error(`The manifest does not match the Teams v${MANIFEST_VERSION} schema:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const json = `${JSON.stringify(manifest, null, 2)}\n`;
  // A fixed date makes the same inputs give the same zip.
  const date = new Date(Date.UTC(2020, 0, 1));
  const zip = new JSZip();
  zip.file('manifest.json', json, { date });
  for (const icon of ICON_FILES) zip.file(icon, readFileSync(join(MANIFEST_DIR, icon)), { date });
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, PACKAGE_FILE);
  writeFileSync(zipPath, bytes);
  writeFileSync(join(outDir, 'manifest.json'), json);
  return zipPath;
}

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The command line: `[--local] [--out DIR] [NAME=value ...]`. Returns the exit code. */
export async function main(
  argv: string[],
  env: Record<string, string | undefined>,
  io: Io = { out: console.log, err: console.error },
): Promise<number> {
  const overrides: Record<string, string> = {};
  let local = false;
  let outDir = DEFAULT_OUT_DIR;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(arg);
    if (arg === '--local') local = true;
    else if (arg === '--out' && argv[i + 1] !== undefined) outDir = resolve(argv[++i]!);
    else if (arg.startsWith('--out=')) outDir = resolve(arg.slice('--out='.length));
    else if (assignment) overrides[assignment[1]!] = assignment[2]!;
    else {
      io.err(`Unknown argument: ${arg}\nUsage: npm run package -- [--local] [--out DIR] [NAME=value ...] (see manifest/package.ts)`);
      return 2;
    }
  }
  try {
    const { vars, warnings } = resolveVariables({ ...env, ...overrides }, { local });
    for (const w of warnings) io.err(`warning: ${w}`);
    const zipPath = await buildAppPackage(vars, outDir);
    io.out(
      `Teams app package${local ? ' (local)' : ''} written to ${zipPath} (app ${vars.TEAMS_APP_ID}, bot ${vars.BOT_ID}, ${vars.BOT_DOMAIN}, v${vars.APP_VERSION})`,
    );
    return 0;
  } catch (e) {
    io.err(e instanceof Error ? e.message : String(e));
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
