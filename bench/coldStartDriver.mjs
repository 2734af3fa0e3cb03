// Spawned by bench/coldStart.ts as a fresh `node` process, like a Lambda cold start: imports the
// bundled callback (argv[2], unzipped from wechat.zip), invokes it once with the signed push in
// BENCH_EVENT, and prints, as one JSON line, milliseconds since the process began
// (performance.now() counts from performance.timeOrigin, the start of this process).
import { subscribe } from 'node:diagnostics_channel';
import { pathToFileURL } from 'node:url';

const t0 = performance.now();
let httpCalls = 0;
subscribe('http.client.request.start', () => httpCalls++);

const mod = await import(pathToFileURL(process.argv[2]).href);
const tImported = performance.now();

const event = JSON.parse(process.env.BENCH_EVENT ?? '{}');
const context = { awsRequestId: 'bench-cold-start', functionName: 'wechat', getRemainingTimeInMillis: () => 6000 };
const res = await mod.handler(event, context);
const tReply = performance.now();

process.stdout.write(`${JSON.stringify({ t0, tImported, tReply, statusCode: res.statusCode, body: res.body, httpCalls })}\n`, () => process.exit(0));
