/**
 * The only code that sends a secret over the network: one HTTPS request, TLS verified
 * against the system's CAs, no redirect followed, no proxy taken from anywhere, a
 * timeout, and at most 64 KB of answer read. Tests give it a CA and a resolver for a
 * local server through the library API (`verifyFindings(…, { transport })`); nothing in
 * a scanned repository, a config file or the environment can.
 */
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Answer, VerifyRequest } from './request.js';

export type Transport = (request: VerifyRequest, timeoutMs: number) => Promise<Answer>;

const MAX_ANSWER = 64 * 1024;

export interface HttpsOptions {
  /** Trust this CA instead of the system's (tests only). */
  ca?: string | Buffer;
  /** Resolve host names this way (tests: every provider host to a local server). */
  lookup?: LookupFunction;
  /** Connect to this port instead of the URL's (tests: the local server's). Host name and TLS name stay the provider's. */
  port?: number;
}

export function httpsTransport(options: HttpsOptions = {}): Transport {
  return (request, timeoutMs) =>
    new Promise((resolve, reject) => {
      const url = new URL(request.url);
      if (url.protocol !== 'https:') {
        reject(new Error(`refused a request that is not https: ${url.protocol}`));
        return;
      }
      const req = httpsRequest(
        {
          method: request.method,
          host: url.hostname,
          port: options.port ?? (url.port || 443),
          path: `${url.pathname}${url.search}`,
          headers: {
            ...request.headers,
            host: url.host,
            ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}),
          },
          servername: url.hostname,
          rejectUnauthorized: true,
          // No keep-alive agent: one request, then the socket closes.
          agent: false,
          timeout: timeoutMs,
          ...(options.ca ? { ca: options.ca } : {}),
          ...(options.lookup ? { lookup: options.lookup } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size >= MAX_ANSWER) return;
            chunks.push(chunk);
            size += chunk.length;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, MAX_ANSWER).toString('utf8') }));
          response.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(request.body);
    });
}
