import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { quietRuntime } from './bundle';

export interface TimeSkippingEnv {
  env: TestWorkflowEnvironment;
  teardown(): Promise<void>;
}

/** The SDK's own factory, private in its typings, for a server it did not start (its public one turns time skipping off). */
type EnvFactory = {
  create(opts: { server: { type: 'existing' }; address: string; namespace: string; supportsTimeSkipping: true }): Promise<TestWorkflowEnvironment>;
};

/**
 * A time-skipping environment: the server from Maven Central when `npm test` found one
 * (TEMPORAL_TEST_SERVER_PATH), else the SDK's own download.
 *
 * The SDK gives the server process 5 s to listen. The Java test server starts in 2-5 s on an idle
 * two-core machine and takes longer under load, so when that start times out, the server is
 * started here with a 60 s limit and the environment connects to it through the SDK's internal
 * factory, with time skipping on (pinned SDK 1.24.0).
 */
export async function createTimeSkippingEnv(): Promise<TimeSkippingEnv> {
  quietRuntime();
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  try {
    const env = await TestWorkflowEnvironment.createTimeSkipping(path ? { server: { executable: { type: 'existing-path', path } } } : {});
    return { env, teardown: () => env.teardown() };
  } catch (err) {
    if (!path || !/did not start within/.test((err as Error).message)) throw err;
  }

  const port = await freePort();
  const server = spawn(path, [String(port)], { stdio: 'ignore' });
  const kill = () => server.exitCode === null && server.signalCode === null && server.kill('SIGKILL');
  process.once('exit', kill);
  const stop = async () => {
    process.removeListener('exit', kill);
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(kill, 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForPort(port, server, 60_000);
    const env = await (TestWorkflowEnvironment as unknown as EnvFactory).create({
      server: { type: 'existing' },
      address: `127.0.0.1:${port}`,
      namespace: 'default',
      supportsTimeSkipping: true,
    });
    return {
      env,
      teardown: async () => {
        await env.teardown();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the time-skipping test server exited with ${server.exitCode} before listening on ${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`the time-skipping test server did not listen on ${port} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
