// An upstream address that never completes a TCP handshake, on loopback and deterministic: a child process
// listens with a backlog of 1 and then blocks its event loop forever (it never accepts), and two connections
// fill its accept queue; Linux then drops every further SYN, so a connect attempt hangs until its own timeout.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';

export interface BlackHole {
  readonly ip: string;
  readonly port: number;
  close(): void;
}

const LISTENER = `
const server = require('node:net').createServer();
server.listen({ host: process.argv[1], port: 0, backlog: 1 }, () => {
  require('node:fs').writeSync(1, server.address().port + '\\n');
  // Blocked (never accepting) for at most two minutes, so a test run that dies cannot leave it behind.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120000);
  process.exit(0);
});`;

export async function startBlackHole(ip: string): Promise<BlackHole> {
  const child: ChildProcess = spawn(process.execPath, ['-e', LISTENER, ip], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
  });
  const fillers: Socket[] = [];
  let connected = 0;
  await new Promise<void>((resolve) => {
    // The queue holds backlog + 1 connections; the third filler is the first to hang.
    for (let i = 0; i < 3; i++) {
      const socket = connect(port, ip);
      socket.on('error', () => {});
      socket.on('connect', () => {
        if (++connected === 2) resolve();
      });
      fillers.push(socket);
    }
  });
  return {
    ip,
    port,
    close() {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
    },
  };
}
