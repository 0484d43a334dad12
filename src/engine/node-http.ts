/**
 * node:http, loaded the CommonJS way. An ESM `import … from 'node:http'` builds the module's namespace by reading
 * every export, and some of them are lazy getters (WebSocket, MessageEvent, …) that load undici, tls and http2
 * (and worker_threads), which the server does not use: ~10 MB of resident memory. Measured on Node 24.22, a process
 * listening with node:http: 60.5 MB imported as ESM, 50.8 MB required; mockgate idle, 10 MB less (issue 17's
 * RSS target). require() reads only the exports used. Type-only imports of 'node:http' cost nothing and stay.
 */
import { createRequire } from 'node:module';

export const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
