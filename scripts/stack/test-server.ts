import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Log } from './log';
import { cacheDir, onPath } from './temporal';

const exec = promisify(execFile);

export const TEST_SERVER_VERSION = '1.31.0';

const pom = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>duban</groupId>
  <artifactId>temporal-test-server-deps</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;

/**
 * An executable that runs Temporal's Java time-skipping test server, for
 * `TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })`.
 * Its jars come from Maven Central because the SDK's own download host is unreachable offline.
 */
export async function ensureTimeSkippingServer(log: Log): Promise<string> {
  const dir = path.join(cacheDir(), 'temporal-test-server', TEST_SERVER_VERSION);
  const lib = path.join(dir, 'lib');
  const wrapper = path.join(dir, 'temporal-test-server');
  if (fs.existsSync(wrapper) && fs.existsSync(lib)) return wrapper;

  if (!onPath('java') && !process.env.JAVA_HOME) throw new Error('java is not installed; the time-skipping test server needs Java 17+');
  if (!onPath('mvn')) throw new Error('mvn is not installed; it fetches the time-skipping test server from Maven Central');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'pom.xml'), pom);
  log(`fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} with Maven into ${lib}`);
  // Fill a temporary directory and rename it, so an interrupted run never leaves a partial lib/ that looks complete.
  const partial = `${lib}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  await exec('mvn', ['-q', '-B', '-f', path.join(dir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${partial}`], {
    maxBuffer: 16 * 1024 * 1024,
  });
  fs.rmSync(lib, { recursive: true, force: true });
  fs.renameSync(partial, lib);
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh\nexec "\${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp '${lib}/*' io.temporal.testserver.TestServer "$@"\n`,
    { mode: 0o755 },
  );
  return wrapper;
}
