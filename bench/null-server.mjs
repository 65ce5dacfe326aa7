// The null HTTP endpoint for bench/throughput.ts: answers every request with a tiny 200 as fast as
// node:http can. Runs as a child process so it does not share the generator's event loop; prints
// its port on stdout once listening.
import { createServer } from 'node:http';

const body = Buffer.from('ok');
const server = createServer((req, res) => {
  // Drain any request body, then answer.
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
