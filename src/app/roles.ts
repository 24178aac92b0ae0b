import type { Directory, Role, ServiceArea } from './ports';

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
