// Shared test helpers: temp trees built inline (changesets' testdir) and fixture files.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino, { type Logger } from 'pino';
import { layer } from '../../src/config/layers.ts';
import { ProblemList } from '../../src/config/problems.ts';
import type { Config } from '../../src/config/types.ts';
import { validate } from '../../src/config/validate.ts';
import { HOOK_NAMES } from '../../src/hooks/index.ts';
import type { FileWrite, Op } from '../../src/plan/ops.ts';
import { passwdEntries, type ColonDb } from '../../src/system/colon-db.ts';

/**
 * What /etc/nbstart-user says in a restarted container: the template (jovyan) is gone because the
 * first start refitted it to the person, whose name the accounts hook then recorded.
 */
export function restarted(passwd: ColonDb, env: Record<string, string>, template = 'jovyan'): { refitted?: string } {
  const has = (n: string): boolean => passwdEntries(passwd).some((e) => e.entry.name === n);
  return !has(template) && env['NB_USER'] && has(env['NB_USER']) ? { refitted: env['NB_USER'] } : {};
}

/** Every file a plan writes, in order (write-files ops flattened). */
export function fileWrites(ops: readonly Op[]): FileWrite[] {
  return ops.flatMap((o) => (o.kind === 'write-files' ? o.files : []));
}

export const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');

/** Text of a fixture file, e.g. fixture('debian-bookworm/passwd'). */
export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** A temp directory holding `files` (path → content; a trailing '/' makes a directory). */
export function testdir(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-test-'));
  for (const [p, content] of Object.entries(files)) {
    const real = path.join(root, p);
    if (p.endsWith('/')) {
      fs.mkdirSync(real, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(real), { recursive: true });
      fs.writeFileSync(real, content);
    }
  }
  return root;
}

/** A validated Config from env-style values (and optional ini text); throws if it has errors. */
export function configFrom(env: Record<string, string>, iniText?: string): Config {
  const problems = new ProblemList();
  const raw = layer({ iniPath: '/etc/nbstart/nbstart.ini', iniText, env, flags: {} }, problems, 'error');
  const config = validate(raw, problems, { hookNames: HOOK_NAMES });
  if (problems.errors.length > 0) throw new Error(problems.errors.map((p) => p.message).join('; '));
  return config;
}

export interface LogLine {
  readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A pino logger that keeps its lines in memory (level names, messages and fields), for executor tests. */
export function captureLog(level: 'trace' | 'debug' | 'info' = 'debug'): { log: Logger; lines: LogLine[]; msgs: (lvl?: LogLine['level']) => string[] } {
  const lines: LogLine[] = [];
  const names: Record<number, LogLine['level']> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  const log = pino({ level, base: {} }, { write: (l: string) => {
    const o = JSON.parse(l) as { level: number; msg: string };
    lines.push({ ...o, level: names[o.level]! });
  } });
  return { log, lines, msgs: (lvl) => lines.filter((l) => lvl === undefined || l.level === lvl).map((l) => l.msg) };
}

/** For `test(name, { skip: rootOnly(why) }, ...)`: false as root, else the reason the test needs root. */
export function rootOnly(why: string): string | false {
  return process.getuid?.() === 0 ? false : `needs root: ${why}`;
}

/** Whether `pid` is dead (gone, or a zombie waiting for its new parent to reap it) within a bounded wait. */
export async function dies(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return true;
    }
    if (/^\d+ \(.*\) [ZX] /s.test(stat)) return true;
    await new Promise((r) => setTimeout(r, 40));
  }
  return false;
}
