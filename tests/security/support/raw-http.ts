/**
 * Requests as bytes on a socket (node:net): malformed request lines and headers that fetch() refuses to
 * send reach the server as written. `send` resolves with the status of the first answer (null when the
 * server closed or stayed silent) once the head has arrived, the socket closed, or `timeoutMs` passed.
 * Bodies can be streamed in chunks so a server that stops reading can be told from one that buffers.
 */
import { createHmac } from 'node:crypto';
import net from 'node:net';

export interface RawAnswer {
  status: number | null;
  head: string;
  /** The server closed or reset the connection before (or instead of) answering. */
  closed: boolean;
}

export interface RawRequest {
  /** Bytes up to and including the blank line after the headers (or a malformed start). */
  head: string | Buffer;
  /** Body bytes: written after the head, in `chunkBytes` pieces. */
  body?: Buffer;
  /** Declared but streamed lazily: this many zero bytes after `body` (large uploads without allocating them). */
  streamBytes?: number;
  chunkBytes?: number;
  timeoutMs?: number;
}

export function send(host: string, port: number, r: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let data = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      resolve({ status: m ? Number(m[1]) : null, head: data.split('\r\n\r\n')[0] ?? '', closed });
    };
    const timer = setTimeout(() => finish(false), r.timeoutMs ?? 10_000);
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1');
      // Interim answers (100 Continue) are skipped: the status that counts is the final one.
      while (/^HTTP\/1\.[01] 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n/.test(data)) data = data.slice(data.indexOf('\r\n\r\n') + 4);
      if (data.includes('\r\n\r\n')) finish(false);
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      socket.write(r.head);
      if (r.body) socket.write(r.body);
      let left = r.streamBytes ?? 0;
      const chunk = Buffer.alloc(Math.min(r.chunkBytes ?? 64 * 1024, Math.max(left, 1)));
      const pump = () => {
        while (left > 0 && !done) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void socket.once('drain', pump);
        }
      };
      pump();
    });
  });
}

/** A request head: start line, headers, blank line. */
export function head(startLine: string, headers: Record<string, string | number> = {}): string {
  return `${startLine}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

/** Slack's v0 signature headers for `body` at `ts` (seconds). */
export function slackHeaders(secret: string, body: string | Buffer, ts = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = createHmac('sha256', secret).update(`v0:${ts}:`).update(body).digest('hex');
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${sig}` };
}
