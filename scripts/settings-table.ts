// Prints the README's settings table from the one settings table in src/config/settings.ts.
// `node scripts/settings-table.ts` — a unit test checks the README holds exactly this text.

import { OTHER_ENV, SETTINGS } from '../src/config/settings.ts';

/** The Markdown table of every ini key, env var and flag with its default. */
export function settingsMarkdown(): string {
  const esc = (s: string): string => s.replaceAll('|', '\\|');
  const rows = SETTINGS.map((s) => {
    const parts = s.key.split('.');
    const key = parts.at(-1)!;
    const section = parts.slice(0, -1).join('.');
    const env = (s.env ?? []).map((e) => `\`${e}\``).join(', ');
    return `| \`[${section}]\` \`${key}\` | ${env || '—'} | ${s.flag ? `\`${s.flag}\`` : '—'} | ${esc(s.default)} | ${esc(s.doc)} |`;
  });
  const other = OTHER_ENV.map((e) => `| — | \`${e.name}\` | ${e.name === 'NBSTART_CONFIG' ? '`--config`' : '—'} | ${esc(e.default)} | ${esc(e.doc)} |`);
  return ['| ini | environment | flag | default | meaning |', '| --- | --- | --- | --- | --- |', ...rows, ...other].join('\n');
}

if (import.meta.main) process.stdout.write(`${settingsMarkdown()}\n`);
