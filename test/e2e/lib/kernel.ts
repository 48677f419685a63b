// Runs a cell in a kernel the way a notebook UI does: the server starts the kernel (REST) and the cell
// goes over the kernel's websocket channels (Jupyter's JSON websocket protocol; Node's global WebSocket).

import { randomUUID } from 'node:crypto';

export interface CellResult {
  readonly stdout: string;
  readonly stderr: string;
  /** `ename: evalue` of an exception, if the cell raised one. */
  readonly error?: string;
}

/** Starts kernel `kernelName` on the server at `base`, runs `code` in it, shuts it down; bounded by `timeoutMs`. */
export async function runCell(base: string, token: string, code: string, kernelName = 'python3', timeoutMs = 90_000): Promise<CellResult> {
  const auth = { Authorization: `token ${token}` };
  const started = await fetch(`${base}/api/kernels`, {
    method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: kernelName }), signal: AbortSignal.timeout(30_000),
  });
  if (started.status !== 201) throw new Error(`POST /api/kernels: HTTP ${started.status} ${await started.text()}`);
  const { id } = (await started.json()) as { id: string };
  try {
    return await execute(`${base.replace(/^http/, 'ws')}/api/kernels/${id}/channels?token=${encodeURIComponent(token)}`, code, timeoutMs);
  } finally {
    await fetch(`${base}/api/kernels/${id}`, { method: 'DELETE', headers: auth, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  }
}

interface Message {
  readonly channel: string;
  readonly header: { readonly msg_type: string };
  readonly parent_header: { readonly msg_id?: string };
  readonly content: Record<string, unknown>;
}

/** Sends one execute_request and collects its output until the kernel is idle again. */
function execute(url: string, code: string, timeoutMs: number): Promise<CellResult> {
  const msgId = randomUUID();
  const ws = new WebSocket(url);
  let stdout = '';
  let stderr = '';
  let error: string | undefined;
  return new Promise<CellResult>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no answer from the kernel within ${timeoutMs} ms; output so far: ${stdout}${stderr}`)), timeoutMs);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      ws.close();
      if (err) reject(err);
      else resolve({ stdout, stderr, ...(error !== undefined && { error }) });
    };
    ws.onerror = () => finish(new Error(`websocket ${url.replace(/token=[^&]*/, 'token=…')} failed`));
    ws.onopen = () => {
      ws.send(JSON.stringify({
        header: { msg_id: msgId, msg_type: 'execute_request', username: 'e2e', session: randomUUID(), date: new Date().toISOString(), version: '5.3' },
        parent_header: {}, metadata: {}, channel: 'shell', buffers: [],
        content: { code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      }));
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      const m = JSON.parse(ev.data) as Message;
      if (m.parent_header.msg_id !== msgId || m.channel !== 'iopub') return;
      const c = m.content;
      if (m.header.msg_type === 'stream') {
        if (c['name'] === 'stdout') stdout += String(c['text']);
        else stderr += String(c['text']);
      } else if (m.header.msg_type === 'error') error = `${String(c['ename'])}: ${String(c['evalue'])}`;
      else if (m.header.msg_type === 'status' && c['execution_state'] === 'idle') finish();
    };
  });
}
