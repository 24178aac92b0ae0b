import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Directory, DirectoryPerson, ServiceArea } from '../app/ports';

const fileSchema = z
  .object({
    $comment: z.string().optional(),
    people: z.array(z.object({ id: z.string().min(1), name: z.string().min(1), email: z.email().optional() })).min(1),
    caseManagers: z.array(z.string().min(1)),
    admins: z.array(z.string().min(1)),
    /** The data protection team (subject access exports); absent: nobody but admins. */
    dataProtection: z.array(z.string().min(1)).default([]),
    serviceAreas: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z0-9-]{2,40}$/),
          name: z.string().min(1),
          headOfService: z.string().min(1),
          deputy: z.string().min(1).nullable(),
          alternates: z.array(z.string().min(1)).default([]),
        }),
      )
      .min(1),
  })
  .superRefine((f, ctx) => {
    const known = new Set(f.people.map((p) => p.id));
    const check = (id: string | null, path: (string | number)[]) => {
      if (id !== null && !known.has(id)) ctx.addIssue({ code: 'custom', path, message: `${id} is not in people` });
    };
    f.caseManagers.forEach((id, i) => check(id, ['caseManagers', i]));
    f.admins.forEach((id, i) => check(id, ['admins', i]));
    f.dataProtection.forEach((id, i) => check(id, ['dataProtection', i]));
    f.serviceAreas.forEach((a, i) => {
      check(a.headOfService, ['serviceAreas', i, 'headOfService']);
      check(a.deputy, ['serviceAreas', i, 'deputy']);
      if (a.deputy === a.headOfService)
        ctx.addIssue({ code: 'custom', path: ['serviceAreas', i, 'deputy'], message: 'the deputy must be another person' });
      a.alternates.forEach((id, j) => {
        check(id, ['serviceAreas', i, 'alternates', j]);
        if (id === a.headOfService || id === a.deputy || a.alternates.indexOf(id) !== j)
          ctx.addIssue({ code: 'custom', path: ['serviceAreas', i, 'alternates', j], message: 'each alternate must be another person, once' });
      });
    });
  });

export type DirectoryFile = z.infer<typeof fileSchema>;

/** Local mode: the directory is a JSON file (people, case managers, admins, service areas). */
export class FileDirectory implements Directory {
  private readonly people: Map<string, DirectoryPerson>;

  private constructor(private readonly data: DirectoryFile) {
    this.people = new Map(data.people.map((p) => [p.id, p]));
  }

  static parse(json: unknown, source: string): FileDirectory {
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(`Directory file ${source} is invalid:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
    return new FileDirectory(parsed.data);
  }

  static async load(path: string): Promise<FileDirectory> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new Error(`Cannot read directory file ${path}: ${(error as Error).message}`, { cause: error });
    }
    return FileDirectory.parse(json, path);
  }

  person(id: string) {
    return Promise.resolve(this.people.get(id) ?? null);
  }
  isCaseManager(id: string) {
    return Promise.resolve(this.data.caseManagers.includes(id));
  }
  isAdmin(id: string) {
    return Promise.resolve(this.data.admins.includes(id));
  }
  isDataProtection(id: string) {
    return Promise.resolve(this.data.dataProtection.includes(id));
  }
  caseManagers() {
    return Promise.resolve(this.data.caseManagers.map((id) => this.people.get(id)!));
  }
  admins() {
    return Promise.resolve(this.data.admins.map((id) => this.people.get(id)!));
  }
  serviceAreas(): Promise<ServiceArea[]> {
    return Promise.resolve(this.data.serviceAreas);
  }
}
