/**
 * Transport faults on the wire: what a rule's reset, empty, garbage, stall, truncate or dribble does to the
 * connection (README "Transport faults" has the table). The first four replace the answer and work on the socket
 * itself, below HTTP; truncate and dribble send the answer's status and headers as usual and then misdeliver its
 * body. Every timer is cleared when the connection closes, and the app's close() ends every connection, so a
 * stalled or dribbling request never keeps the process alive.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TransportFault } from '../engine/types.js';

/** reset, empty, garbage or stall: the request gets no HTTP answer at all. */
export function failConnection(res: ServerResponse, fault: TransportFault): void {
  const socket = res.socket as Socket | null;
  if (!socket || socket.destroyed) return;
  switch (fault.action) {
    case 'reset':
      // SO_LINGER 0, then close: the peer gets a RST, and reads fail with ECONNRESET.
      socket.resetAndDestroy();
      return;
    case 'empty':
      // A FIN once what is queued is written (nothing is): the peer reads end of stream where an answer should be.
      socket.destroySoon();
      return;
    case 'garbage':
      socket.write(fault.bytes);
      socket.destroySoon();
      return;
    case 'stall':
      holdThenClose(socket, fault.ms);
      return;
    default:
      throw new TypeError(`${fault.action} is delivered with an answer, not in place of one`);
  }
}

/** truncate or dribble: the answer's status and headers, then its body cut short or sent slowly. */
export function deliverBadly(res: ServerResponse, payload: string | Buffer | undefined, fault: TransportFault): void {
  const body = payload === undefined ? Buffer.alloc(0) : Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  if (fault.action === 'truncate') return truncate(res, body, fault.bytes);
  if (fault.action === 'dribble') return dribble(res, body, fault.ms, fault.chunks);
  throw new TypeError(`${fault.action} replaces the answer; it is not a way of delivering one`);
}

/** Nothing for `ms`, then a clean close with no answer (--max-stall bounds `ms`, so nothing hangs forever). */
function holdThenClose(socket: Socket, ms: number): void {
  const timer = setTimeout(() => socket.destroySoon(), ms);
  socket.once('close', () => clearTimeout(timer));
}

/** A body HTTP forbids (HEAD, 204, 304): there is nothing to cut or spread, so headers alone are sent. */
function bodyless(res: ServerResponse): boolean {
  return res.req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
}

/**
 * The headers with the whole body's Content-Length, `bytes` of the body (half by default, always short of all of
 * it), then a close: the client reads fewer bytes than promised. An empty body promises one byte.
 */
function truncate(res: ServerResponse, body: Buffer, bytes: number | undefined): void {
  const socket = res.socket as Socket | null;
  if (bodyless(res)) {
    res.flushHeaders();
    socket?.destroySoon();
    return;
  }
  const sent = Math.min(bytes ?? Math.floor(body.length / 2), Math.max(body.length - 1, 0));
  res.setHeader('Content-Length', Math.max(body.length, 1));
  if (sent === 0) res.flushHeaders();
  else res.write(body.subarray(0, sent));
  // Once Node has handed the bytes to the socket, end it: what was written still goes out before the FIN.
  socket?.destroySoon();
}

/** The headers at once, then the body in `chunks` pieces, one every `ms / chunks`: the last arrives after `ms`. */
function dribble(res: ServerResponse, body: Buffer, ms: number, chunks: number): void {
  res.setHeader('Content-Length', body.length);
  res.flushHeaders();
  const pieces = bodyless(res) ? 0 : Math.min(chunks, body.length);
  if (pieces === 0) {
    const timer = setTimeout(() => res.end(), ms);
    res.once('close', () => clearTimeout(timer));
    return;
  }
  const size = Math.ceil(body.length / pieces);
  let next = 0;
  let timer: NodeJS.Timeout;
  const sendNext = () => {
    const piece = body.subarray(next * size, (next + 1) * size);
    next++;
    if (next * size >= body.length) res.end(piece);
    else {
      res.write(piece);
      timer = setTimeout(sendNext, ms / pieces);
    }
  };
  timer = setTimeout(sendNext, ms / pieces);
  res.once('close', () => clearTimeout(timer));
}
