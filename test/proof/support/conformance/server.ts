/**
 * A real listening mockgate for clients that are separate processes (schemathesis, Prism): every bundled spec,
 * the default scenario, --strict (a response that breaks its spec answers 500, which every conformance client
 * reports), on 127.0.0.1 and a free port.
 */
import type { AddressInfo } from 'node:net';
import { createApp, type MockgateApp } from '../../../../src/app.js';
import { defaultConfig, type AppConfig } from '../../../../src/config.js';

export interface RunningMockgate {
  app: MockgateApp;
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function startMockgate(overrides: Partial<AppConfig> = {}): Promise<RunningMockgate> {
  const app = await createApp({ ...defaultConfig(), port: 0, host: '127.0.0.1', strict: true, logLevel: 'silent', seed: 42, ...overrides });
  const server = await app.listen();
  const { port } = server.address() as AddressInfo;
  return { app, port, origin: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A session name no other run uses, so the state a fuzzer changes stays out of everyone else's way. */
export function freshSession(purpose: string): string {
  return `${purpose}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
