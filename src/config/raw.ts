// Raw setting values, as layered from the ini file, the environment, auth_state and flags, before
// the settings table's parsers turn them into types.

export interface RawValue {
  readonly value: string;
  /** Human name of where the value came from, used verbatim in error messages. */
  readonly origin: string;
}

/** Raw values by setting key; wildcard settings (`ssh.*.host`) appear under their concrete key. */
export type RawConfig = ReadonlyMap<string, RawValue>;
