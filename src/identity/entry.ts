// Which passwd entry becomes the person (pure). nbstart refits the image's template user, or the
// entry it made from the template in an earlier start of this container (recorded in /etc/nbstart-user
// by the accounts hook), and nothing else: an existing other account with the person's name — an
// image user `admin` with sudo, a system account like `mail` — is refused unless the image names it
// in [user] adopt. Otherwise a hub identity named like it would take it over, files and groups included.

import type { ProblemList } from '../config/problems.ts';
import type { Config } from '../config/types.ts';
import { originOf } from '../config/validate.ts';
import type { PasswdEntry } from '../system/colon-db.ts';

/** nbstart's record of the entry it refitted: `<template>:<current name>`. */
export const REFIT_RECORD = '/etc/nbstart-user';

/** The record's text for a refit of `template` to `name`. */
export function refitRecord(template: string, name: string): string {
  return `# Written by nbstart: the image's template user and the name it has now (refitted at start-up)\n${template}:${name}\n`;
}

/** The current name of the template from the record, when the record is about this template. */
export function parseRefitRecord(text: string | undefined, template: string): string | undefined {
  const line = (text ?? '').split('\n').find((l) => l !== '' && !l.startsWith('#'));
  const [t, current] = (line ?? '').split(':');
  return t === template && current ? current : undefined;
}

/** System accounts: up to login.defs' SYS_UID_MAX (999 on Debian, Ubuntu and RHEL), and nobody (65534). */
export function isSystemUid(uid: number): boolean {
  return uid <= 999 || uid === 65534;
}

/** The entry to refit to the person named `name`, or undefined with one problem. */
export function entryFor(users: readonly PasswdEntry[], config: Config, name: string, refitted: string | undefined, problems: ProblemList): PasswdEntry | undefined {
  const template = config.user.template;
  if (name === 'root') return users.find((u) => u.name === 'root');
  const ours = users.find((u) => u.name === (refitted && users.some((x) => x.name === refitted) ? refitted : template));
  const named = users.find((u) => u.name === name);
  if (named && named !== ours) {
    if (config.user.adopt.includes(name)) return named;
    const what = isSystemUid(named.uid) ? `is a system account of the image (uid ${named.uid}), not a person's` : `is an account of the image (uid ${named.uid}) other than the template user "${template}"`;
    problems.error(originOf(config, 'user.name', 'NB_USER'), name, `${what}: nbstart refits only the template user`,
      `give the person another name (a hub can prefix or map names), or list "${name}" in [user] adopt (NBSTART_ADOPT) if the image means that account for them`);
    return undefined;
  }
  if (ours) return ours;
  problems.error(
    config.user.name !== undefined ? originOf(config, 'user.name', 'NB_USER') : originOf(config, 'user.template', '[user] template'),
    config.user.name !== undefined ? name : template,
    name === template
      ? `the template user "${template}" is not in /etc/passwd`
      : `neither "${name}" nor the template user "${template}" is in /etc/passwd`,
    'set [user] template (NBSTART_TEMPLATE_USER) to the image\'s notebook user, or recreate the container',
  );
  return undefined;
}
