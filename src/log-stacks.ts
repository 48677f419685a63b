// The default log format: docker-stacks' `LEVEL[YYYY-mm-dd HH:MM:SS] message` (local time), levels
// DEBUG, INFO, WARNING, ERROR and FATAL. Harnesses (docker-stacks' own tests among them) and people
// count the lines that start with WARNING or ERROR, so a line of nbstart starts with its level and
// nothing else does: the rest of a multi-line message is indented, and every character that Python's
// str.splitlines() or a terminal takes as a line break starts such an indented line too.
// On a terminal the whole line is coloured as docker-stacks colours it (INFO is not coloured).

/** pino level → docker-stacks level (trace has no match there: it is DEBUG). */
const LEVELS: Readonly<Record<number, string>> = { 10: 'DEBUG', 20: 'DEBUG', 30: 'INFO', 40: 'WARNING', 50: 'ERROR', 60: 'FATAL' };
/** SGR parameters: cyan, yellow, red, bold red. */
const COLOURS: Readonly<Record<string, string>> = { DEBUG: '36', WARNING: '33', ERROR: '31', FATAL: '1;31' };
/** \r\n, \n, \r, VT, FF, FS, GS, RS, NEL, LINE and PARAGRAPH SEPARATOR: what splitlines() splits at. */
const LINE_BREAKS = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;

const two = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-mm-dd HH:MM:SS` in local time, as `date '+%Y-%m-%d %H:%M:%S'` prints it. */
export function stamp(d: Date): string {
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** The docker-stacks level of a pino level. */
export function stacksLevel(level: number): string {
  return LEVELS[level] ?? (level < 30 ? 'DEBUG' : level < 40 ? 'INFO' : level < 50 ? 'WARNING' : level < 60 ? 'ERROR' : 'FATAL');
}

/** One of pino's JSON lines in docker-stacks' format, coloured when `colour`. */
export function stacksLine(json: string, colour: boolean): string {
  const o = JSON.parse(json) as { level: number; time: number; msg?: unknown };
  const level = stacksLevel(o.level);
  const msg = (o.msg === undefined ? '' : String(o.msg)).replace(LINE_BREAKS, '\n  ');
  const line = `${level}[${stamp(new Date(o.time))}] ${msg}`;
  const sgr = colour ? COLOURS[level] : undefined;
  return sgr === undefined ? `${line}\n` : `\x1b[0;${sgr}m${line}\x1b[0m\n`;
}
