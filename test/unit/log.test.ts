import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { prettyFactory } from 'pino-pretty';
import { effectiveLevel, isQuiet, prettyLine } from '../../src/log.ts';

// prettyLine replaced pino-pretty (too slow to set up in a container start); it must print exactly
// what pino-pretty printed with the options nbstart used, for real pino lines.
const OPTIONS = { ignore: 'pid,hostname,name', translateTime: 'SYS:HH:MM:ss.l', messageFormat: '{if hook}[{hook}] {end}{msg}', hideObject: true };

/** The JSON lines pino writes for a few typical calls, at every level. */
function pinoLines(): string[] {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  const log = pino({ level: 'trace', base: { name: 'nbstart' } }, sink);
  const hook = log.child({ hook: 'home', phase: 'root' });
  log.info({ command: ['true'], uid: 1010 }, 'exec true as alice (uid 1010, gid 1010) in /home/alice');
  hook.info({ path: '/etc/group' }, 'wrote /etc/group (1 line changed, 3 added)');
  hook.warn('GRANT_SUDO is set but the container did not start as root');
  log.error({ err: new Error('boom') }, 'nbstart failed: boom');
  log.trace('t'); log.debug({ name: 'X' }, 'set X'); log.fatal('f');
  log.info('two\nlines'); log.info({ hook: '' }, 'empty hook'); log.info({ n: 1 }); hook.info({ n: 1 });
  log.info('"quoted" \\ and unicode: é ✓');
  return lines;
}

for (const colorize of [false, true]) {
  test(`prettyLine prints what pino-pretty printed (${colorize ? 'terminal colours' : 'no colours'})`, () => {
    const pretty = prettyFactory({ ...OPTIONS, colorize });
    for (const line of pinoLines()) assert.equal(prettyLine(line, colorize), pretty(line), line);
  });
}

test('JUPYTER_DOCKER_STACKS_QUIET: any non-empty value keeps warnings and errors only, as in docker-stacks', () => {
  assert.equal(isQuiet({}), false);
  assert.equal(isQuiet({ JUPYTER_DOCKER_STACKS_QUIET: '' }), false);
  for (const v of ['1', 'yes', '0']) assert.equal(isQuiet({ JUPYTER_DOCKER_STACKS_QUIET: v }), true, v);
  assert.deepEqual((['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const).map((l) => effectiveLevel(l, true)), ['warn', 'warn', 'warn', 'warn', 'error', 'fatal', 'silent']);
  assert.equal(effectiveLevel('debug', false), 'debug');
});
