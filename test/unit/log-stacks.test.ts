import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { stacksLevel, stacksLine, stamp } from '../../src/log-stacks.ts';

/** The JSON lines pino writes for `calls`, at trace level. */
function pinoLines(calls: (log: pino.Logger) => void): string[] {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  calls(pino({ level: 'trace', base: { name: 'nbstart' } }, sink));
  return lines;
}

const STAMP = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.source;

test('each level prints as docker-stacks prints it: LEVEL[YYYY-mm-dd HH:MM:SS] message, no hook, no fields', () => {
  const lines = pinoLines((log) => {
    const hook = log.child({ hook: 'home', phase: 'root' });
    log.trace('t'); log.debug('d'); hook.info({ path: '/etc/passwd' }, 'Entered start.sh with args: id'); hook.warn('w'); log.error('e'); log.fatal('f'); log.info({ n: 1 });
  });
  const out = lines.map((l) => stacksLine(l, false));
  const want = ['DEBUG] t', 'DEBUG] d', 'INFO] Entered start.sh with args: id', 'WARNING] w', 'ERROR] e', 'FATAL] f', 'INFO] '];
  out.forEach((o, i) => {
    const [level, rest] = want[i]!.split('] ');
    assert.match(o, new RegExp(`^${level}\\[${STAMP}\\] ${rest}\\n$`), o);
  });
});

test('the time is local and zero-padded, as date +%Y-%m-%d %H:%M:%S prints it', () => {
  assert.equal(stamp(new Date(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02 03:04:05');
});

test('on a terminal the whole line is coloured as docker-stacks colours it; INFO is not', () => {
  const [d, i, w, e, f] = pinoLines((log) => { log.debug('d'); log.info('i'); log.warn('w'); log.error('e'); log.fatal('f'); }).map((l) => stacksLine(l, true));
  assert.match(d!, /^\x1b\[0;36mDEBUG\[.*\] d\x1b\[0m\n$/);
  assert.match(i!, /^INFO\[.*\] i\n$/);
  assert.match(w!, /^\x1b\[0;33mWARNING\[.*\] w\x1b\[0m\n$/);
  assert.match(e!, /^\x1b\[0;31mERROR\[.*\] e\x1b\[0m\n$/);
  assert.match(f!, /^\x1b\[0;1;31mFATAL\[.*\] f\x1b\[0m\n$/);
});

// docker-stacks' tests count the lines that start with WARNING or ERROR (after stripping colours),
// split with Python's str.splitlines(): no message may add such a line.
const SPLITLINES = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;
const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

for (const colour of [false, true]) {
  test(`only a warning starts a line with WARNING, only an error with ERROR (${colour ? 'colours' : 'no colours'})`, () => {
    const sneaky = ['two\nWARNING[2026-01-01 00:00:00] fake', 'a\r\nERROR x', 'a\rWARNING x', 'a\vERROR', 'a\fWARNING', 'a\x1cERROR', 'a\x85WARNING', 'a\u2028ERROR', 'a\u2029WARNING', '\nERROR'];
    const lines = pinoLines((log) => {
      for (const m of sneaky) log.info(m);
      log.warn('one\nWARNING two');
    });
    const out = lines.map((l) => stacksLine(l, colour)).join('').replace(/\n$/, '').split(SPLITLINES).map(stripAnsi);
    assert.deepEqual(out.filter((l) => l.startsWith('WARNING')).length, 1, out.join('|'));
    assert.deepEqual(out.filter((l) => l.startsWith('ERROR')), []);
    assert.ok(out.filter((l) => !/^(INFO|WARNING)\[/.test(l)).every((l) => l.startsWith('  ')), out.join('|'));
  });
}

test('levels between pino\'s fall to the one below', () => {
  assert.deepEqual([10, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70].map(stacksLevel), ['DEBUG', 'DEBUG', 'DEBUG', 'INFO', 'INFO', 'WARNING', 'WARNING', 'ERROR', 'ERROR', 'FATAL', 'FATAL']);
});
