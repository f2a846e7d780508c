import net from 'node:net';

function listen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

export async function freePort(): Promise<number> {
  const port = await listen(0);
  if (port === null) throw new Error('no free TCP port on 127.0.0.1');
  return port;
}

export async function isPortFree(port: number): Promise<boolean> {
  return (await listen(port)) !== null;
}

/** The preferred port when nothing listens there, else any free one. */
export async function preferredPort(port: number): Promise<number> {
  return (await isPortFree(port)) ? port : freePort();
}
