/// <reference lib="webworker" />
/**
 * Thin entry of the DEFLATE-length worker (owned by deflater.ts): answers `{ id, buffers }` with
 * `{ id, lengths }`, each deflatedLength — the same function the exact sizes use everywhere.
 */
import { deflatedLength } from '../model/export/exportFiles';
import type { DeflateReply, DeflateRequest } from './protocol';

self.onmessage = (e: MessageEvent<DeflateRequest>) => {
  const { id, buffers } = e.data;
  let reply: DeflateReply;
  try {
    reply = { id, lengths: buffers.map(deflatedLength) };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply);
};
