import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { readUpload, receiveFile, type Received } from '../../api/upload';

/**
 * `receiveFile` behind a real HTTP server on a loopback port, as the API mounts it: what each request came to
 * (kept, refused, or still waiting) and what is left in the folder uploads are written to.
 */
async function uploadServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-upload-'));
  const outcomes = { entered: 0, kept: 0, refused: 0 };
  const received: Array<Omit<Received, 'path'>> = [];
  const app = express();
  /** A route that counts each request in, and out as kept (201) or refused (400). */
  const counted = (read: (req: express.Request) => Promise<void>) => async (req: express.Request, res: express.Response) => {
    outcomes.entered++;
    try {
      await read(req);
      outcomes.kept++;
      res.status(201).end();
    } catch {
      outcomes.refused++;
      if (!res.headersSent) res.status(400).end();
    }
  };
  app.post('/files', counted(async (req) => {
    const { path: file, ...kept } = await receiveFile(req, { dir, maxBytes: 1024 * 1024 });
    received.push(kept);
    await fs.promises.rm(file);
  }));
  // The directory import's reader, which holds a small upload in memory.
  app.post('/imports', counted(async (req) => void (await readUpload(req, 'file', 1024 * 1024))));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    outcomes,
    received,
    left: () => fs.readdirSync(dir),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const BOUNDARY = 'duban-upload-test';
const fileHead = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="工作总结.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 `;

/** Sends a request's head and the head of its file part on a socket, and goes away at once. */
function sendAndLeave(port: number, route = '/files'): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`POST ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: 100000\r\n\r\n${fileHead}`);
      setImmediate(() => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('error', () => resolve());
  });
}

async function settled(outcomes: { entered: number; kept: number; refused: number }, count: number) {
  const deadline = Date.now() + 3000;
  while (outcomes.kept + outcomes.refused < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe('receiving an evidence upload', () => {
  test('when clients go away right after the head of their file part, then every upload ends refused and nothing is kept', async () => {
    const server = await uploadServer();
    try {
      for (let i = 0; i < 5; i++) await Promise.all(Array.from({ length: 20 }, () => sendAndLeave(server.port)));
      await settled(server.outcomes, 100);
      expect(server.outcomes).toEqual({ entered: 100, kept: 0, refused: 100 });
      expect(server.left()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('when clients go away in the middle of a spreadsheet to import, then every request ends refused', async () => {
    const server = await uploadServer();
    try {
      await Promise.all(Array.from({ length: 20 }, () => sendAndLeave(server.port, '/imports')));
      await settled(server.outcomes, 20);
      expect(server.outcomes).toEqual({ entered: 20, kept: 0, refused: 20 });
    } finally {
      await server.close();
    }
  });

  test('when a body breaks off inside its file part or in a broken part after it, then it is refused with 400 and nothing is kept', async () => {
    const server = await uploadServer();
    try {
      const bodies = [fileHead, `${fileHead}\r\n--${BOUNDARY}\r\na header line without its colon\r\n\r\n`];
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const answers = await Promise.all(Array.from({ length: 20 }, (_, j) =>
          fetch(`http://127.0.0.1:${server.port}/files`, { method: 'POST', body: bodies[j % 2], headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } })));
        statuses.push(...answers.map((a) => a.status));
      }
      await settled(server.outcomes, 200);
      expect(new Set(statuses)).toEqual(new Set([400]));
      expect(server.outcomes).toEqual({ entered: 200, kept: 0, refused: 200 });
      expect(server.left()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('when a whole file part arrives, then it is kept with its size and hash', async () => {
    const server = await uploadServer();
    try {
      const body = `${fileHead}工作总结\r\n--${BOUNDARY}--\r\n`;
      const answer = await fetch(`http://127.0.0.1:${server.port}/files`, { method: 'POST', body, headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
      expect(answer.status).toBe(201);
      expect(server.outcomes).toEqual({ entered: 1, kept: 1, refused: 0 });
      const bytes = Buffer.from('%PDF-1.7 工作总结');
      expect(server.received).toEqual([{ name: '工作总结.pdf', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }]);
      expect(server.left()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
