/** Roles (docs/rules.md#R-roles-from-directory). Every tenant user is staff; the others come from the directory. */
export type Role = 'staff' | 'case-manager' | 'head-of-service' | 'admin';

export interface DirectoryPerson {
  id: string;
  name: string;
  email?: string | undefined;
}

/** A service area and who signs off its decisions (§5.2) and decides its appeals (§7). */
export interface ServiceArea {
  id: string;
  name: string;
  headOfService: string;
  deputy: string | null;
}

/** The directory port: Microsoft Graph in production, a JSON file locally. */
export interface Directory {
  person(id: string): Promise<DirectoryPerson | null>;
  isCaseManager(id: string): Promise<boolean>;
  isAdmin(id: string): Promise<boolean>;
  caseManagers(): Promise<DirectoryPerson[]>;
  serviceAreas(): Promise<ServiceArea[]>;
}

export async function rolesOf(directory: Directory, id: string): Promise<Set<Role>> {
  const [caseManager, admin, areas] = await Promise.all([directory.isCaseManager(id), directory.isAdmin(id), directory.serviceAreas()]);
  const roles = new Set<Role>(['staff']);
  if (caseManager) roles.add('case-manager');
  if (admin) roles.add('admin');
  if (areas.some((a) => a.headOfService === id || a.deputy === id)) roles.add('head-of-service');
  return roles;
}

export async function serviceAreaById(directory: Directory, id: string): Promise<ServiceArea | null> {
  return (await directory.serviceAreas()).find((a) => a.id === id) ?? null;
}
