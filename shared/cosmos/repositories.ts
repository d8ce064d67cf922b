import { type Container } from '@azure/cosmos';

import { type ContainerName } from './cosmosClient';

/** The repositories the functions use, built over the app's containers (one factory each). */
export function createRepositories(_containers: Record<ContainerName, Container>) {
  return {};
}

export type Repositories = ReturnType<typeof createRepositories>;
