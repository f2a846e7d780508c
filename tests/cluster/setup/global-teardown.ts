import { stopPostgresCluster } from '../../../scripts/stack/postgres';
import { stopPid } from '../../../scripts/stack/temporal-server';
import { readState } from '../../integration/support/stack';
import { clusterPids, type ClusterStackState } from '../support/cluster';

/** Stops whatever runs now (a test may have replaced processes), then PostgreSQL. */
export async function stopCluster(state: ClusterStackState): Promise<void> {
  await Promise.all(clusterPids(state).map((pid) => stopPid(pid, 10_000).catch(() => undefined)));
  await Promise.all(state.cluster.pgClusters.map((c) => stopPostgresCluster(c.dataDir, 'fast').catch(() => undefined)));
}

export default async function globalTeardown(): Promise<void> {
  const state = readState() as ClusterStackState | null;
  if (state?.cluster) await stopCluster(state);
}
