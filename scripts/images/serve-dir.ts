// A read-only HTTP server for one directory on 127.0.0.1, for `pip --find-links`: GET / is an HTML
// index of the directory's files, GET /<name> one of them. Started by wheels.ts's serveDir():
//   node serve-dir.ts DIR OWNER_PID PREFERRED_PORT PORT_FILE
// Writes the port it listens on (the preferred one when free, else any) and a newline to PORT_FILE,
// and exits on SIGTERM or within a second of OWNER_PID being gone, so it never outlives its user.

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

const [dir, ownerArg, portArg, portFile] = process.argv.slice(2) as [string, string, string, string];
const owner = Number(ownerArg);

function files(): string[] {
  return fs.readdirSync(dir).filter((n) => !n.startsWith('.') && fs.statSync(path.join(dir, n)).isFile()).sort();
}

const server = http.createServer((req, res) => {
  const name = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
  } else if (name === '') {
    const links = files().map((n) => `<a href="${encodeURIComponent(n)}">${n.replace(/[<>&"]/g, '')}</a><br>`).join('\n');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!DOCTYPE html><html><body>\n${links}\n</body></html>\n`);
  } else if (!files().includes(name)) {
    res.writeHead(404).end();
  } else {
    const file = path.join(dir, name);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': fs.statSync(file).size });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  }
});

function listen(port: number): void {
  server.once('error', (err: NodeJS.ErrnoException) => {
    if (port !== 0 && err.code === 'EADDRINUSE') listen(0);
    else {
      fs.writeFileSync(portFile, `error ${err.message}\n`);
      process.exit(1);
    }
  });
  server.listen(port, '127.0.0.1', () => {
    fs.writeFileSync(`${portFile}.tmp`, `${(server.address() as { port: number }).port}\n`);
    fs.renameSync(`${portFile}.tmp`, portFile);
  });
}

process.on('SIGTERM', () => process.exit(0));
setInterval(() => {
  try {
    process.kill(owner, 0);
  } catch {
    process.exit(0);
  }
}, 1000).unref();
// The interval is unref'd; the server keeps the process alive until one of the exits above.
listen(Number(portArg));
