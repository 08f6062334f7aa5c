/**
 * A loopback HTTP server for tests that give the studio worker's code URLs: it serves public/
 * (the bundled models and data) and, first, any path put in `memory` (path → bytes).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ROOT } from './io';

/** A running server: its base URL (ending in "/") and how to stop it. */
export interface PublicServer {
  base: string;
  close(): Promise<void>;
}

/** Starts the server on a free port of 127.0.0.1. */
export async function servePublic(memory: ReadonlyMap<string, Uint8Array> = new Map()): Promise<PublicServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const served = memory.get(path);
    if (served) return void res.end(served);
    try {
      res.end(readFileSync(join(ROOT, 'public', decodeURIComponent(path))));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
