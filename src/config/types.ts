// The typed configuration every hook reads: what src/config/validate.ts builds from the settings
// table (src/config/settings.ts). Types only.

import type { SshServer } from './ssh.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type OnFailure = 'continue' | 'abort';

export interface LabelConfig {
  /** Undefined: no label (the setting is unset or blank). */
  readonly text?: string;
  /** Always `#rrggbb` (names and `#rgb` are expanded). */
  readonly color: string;
}

export type MetricsFormat = 'jsonl' | 'prometheus';

export interface MetricsConfig {
  readonly cells: boolean;
  /** Directory of cells.jsonl and cells-<kernel>.prom. */
  readonly path: string;
  readonly formats: readonly MetricsFormat[];
}

/** [resources] threads: the CPU limit rounded up, no caps, or that many threads. */
export type Threads = 'auto' | 'no' | number;

export interface ResourcesConfig {
  readonly threads: Threads;
  readonly exportLimits: boolean;
}

export interface ChownOptions {
  readonly recursive: boolean;
}

/** A group the person belongs to, as the hub or env names it. */
export interface WantedGroup {
  readonly name: string;
  readonly gid: number;
}

export interface Config {
  /** Supplementary groups: mirrored from auth_state or NBSTART_GROUPS, and image groups kept. */
  readonly groups: { readonly wanted: readonly WantedGroup[]; readonly keep: readonly string[]; readonly allowGids: readonly number[] };
  readonly home: {
    /** Template with {user}. */
    readonly source?: string;
    readonly links: readonly string[];
    /** Bytes a copy of the template home may read and write. */
    readonly copyLimit: number;
    /** Relative to the source. */
    readonly jupyterConfig: string;
    readonly bashrc: string;
  };
  readonly user: {
    readonly name?: string;
    readonly uid?: number;
    readonly gid?: number;
    readonly group?: string;
    readonly template: string;
    readonly shell?: string;
    readonly grantSudo: boolean;
    readonly allowRoot: boolean;
    /** Image accounts a person of the same name may become. */
    readonly adopt: readonly string[];
  };
  readonly chown: {
    readonly home: boolean;
    readonly homeOpts: ChownOptions;
    readonly extra: readonly string[];
    readonly extraOpts: ChownOptions;
  };
  readonly exec: {
    readonly command: readonly string[];
    readonly umask?: number;
    readonly unset: readonly string[];
  };
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  readonly hooks: {
    readonly startDirs: readonly string[];
    readonly rootDirs: readonly string[];
    readonly userDirs: readonly string[];
    /** Names of root_dirs scripts run after the drop, as the person. */
    readonly asUser: readonly string[];
    readonly onFailure: OnFailure;
    /** Milliseconds; 0 means no limit. */
    readonly timeoutMs: number;
    readonly disable: readonly string[];
  };
  /** The [ssh.NAME] sections, sorted by NAME; empty when there are none or any value is bad. */
  readonly ssh: readonly SshServer[];
  readonly label: LabelConfig;
  readonly metrics: MetricsConfig;
  readonly resources: ResourcesConfig;
  /** Where each setting's value came from, for messages that name it. */
  readonly origins: ReadonlyMap<string, string>;
}
