// Runs cells in a kernel the way JupyterLab does: a session through the server's REST API (so the
// server starts the kernel, with JPY_SESSION_NAME set to the notebook's path), then execute_request
// messages over the kernel's websocket (/api/kernels/<id>/channels, Jupyter's JSON message protocol
// 5.x), with Node's own WebSocket.

import { randomUUID } from 'node:crypto';
import type { Server } from './server.ts';

export interface Cell {
  /** execute_reply's status: ok, error or aborted. */
  readonly status: string;
  readonly executionCount: number | null;
  /** What the cell printed on stdout. */
  readonly stdout: string;
  /** The text/plain of its result, if any. */
  readonly result?: string;
  /** ename: evalue of its error, if any. */
  readonly error?: string;
}

export interface Session {
  readonly id: string;
  readonly kernelId: string;
  /** Runs `code` (silent: as a UI's completion or widget traffic, not a cell), bounded by `timeoutMs`. */
  run(code: string, opts?: { silent?: boolean; timeoutMs?: number }): Promise<Cell>;
  /** Closes the websocket and deletes the session, which shuts its kernel down. */
  close(): Promise<void>;
}

interface Message {
  channel: string;
  header: { msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
}

/** Starts a kernel for the notebook `path` through POST /api/sessions and connects to it. */
export async function openSession(server: Server, path: string, kernel = 'python3'): Promise<Session> {
  const created = await server.request('POST', '/api/sessions', { path, name: path.split('/').at(-1), type: 'notebook', kernel: { name: kernel } });
  if (created.status !== 201) throw new Error(`POST /api/sessions: HTTP ${created.status}\n${created.text}\n${server.logs()}`);
  const session = JSON.parse(created.text) as { id: string; kernel: { id: string } };
  const clientSession = randomUUID();
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/kernels/${session.kernel.id}/channels?session_id=${clientSession}&token=${server.token}`);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`websocket to kernel ${session.kernel.id} failed\n${server.logs()}`)), { once: true });
  });
  const waiting = new Map<string, (m: Message) => void>();
  ws.addEventListener('message', (ev) => {
    const m = JSON.parse(String(ev.data)) as Message;
    const id = m.parent_header?.msg_id;
    if (id !== undefined) waiting.get(id)?.(m);
  });

  const run = (code: string, opts: { silent?: boolean; timeoutMs?: number } = {}): Promise<Cell> => {
    const msgId = randomUUID();
    return new Promise<Cell>((resolve, reject) => {
      let stdout = '';
      let result: string | undefined;
      let error: string | undefined;
      let reply: { status: string; execution_count: number | null } | undefined;
      let idle = false;
      const timer = setTimeout(() => {
        waiting.delete(msgId);
        reject(new Error(`cell ${JSON.stringify(code.slice(0, 80))} did not finish within ${opts.timeoutMs ?? 120_000} ms\n${server.logs()}`));
      }, opts.timeoutMs ?? 120_000);
      waiting.set(msgId, (m) => {
        const c = m.content;
        if (m.header.msg_type === 'stream' && c['name'] === 'stdout') stdout += String(c['text']);
        else if (m.header.msg_type === 'execute_result') result = String((c['data'] as Record<string, unknown>)['text/plain']);
        else if (m.header.msg_type === 'error') error = `${String(c['ename'])}: ${String(c['evalue'])}`;
        else if (m.header.msg_type === 'status' && c['execution_state'] === 'idle') idle = true;
        else if (m.header.msg_type === 'execute_reply') reply = c as typeof reply;
        if (reply && idle) {
          clearTimeout(timer);
          waiting.delete(msgId);
          resolve({ status: reply.status, executionCount: reply.execution_count, stdout, ...(result !== undefined && { result }), ...(error !== undefined && { error }) });
        }
      });
      ws.send(JSON.stringify({
        channel: 'shell',
        header: { msg_id: msgId, msg_type: 'execute_request', session: clientSession, username: '', date: new Date().toISOString(), version: '5.3' },
        parent_header: {},
        metadata: {},
        content: { code, silent: opts.silent ?? false, store_history: !(opts.silent ?? false), user_expressions: {}, allow_stdin: false, stop_on_error: false },
        buffers: [],
      }));
    });
  };

  const close = async (): Promise<void> => {
    ws.close();
    const r = await server.request('DELETE', `/api/sessions/${session.id}`);
    if (r.status !== 204) throw new Error(`DELETE /api/sessions/${session.id}: HTTP ${r.status} ${r.text}`);
  };
  return { id: session.id, kernelId: session.kernel.id, run, close };
}
