// The log functions an image's scripts find in the bash that runs them, as they found them in the
// shell of docker-stacks' start.sh: `_log [LEVEL] words...` (LEVEL one of DEBUG, INFO, WARNING,
// ERROR, FATAL; INFO when the first word is none of them), `_log_info`, `_log_warn`, `_log_error`,
// and `_log_fatal`, which logs and exits the shell with status 1 (start-up then stops, as with
// start.sh). Their lines are written to stderr in nbstart's log format, so a script's WARNING is
// counted like nbstart's; JUPYTER_DOCKER_STACKS_QUIET hides INFO and DEBUG, NO_COLOR the colours.
// A script that sources its own definitions (the base image's _docker_stacks_log.sh) replaces them;
// functions already defined (exported into the environment) are kept.

import type { LogFormat } from '../config/types.ts';

// The bash text, with @{ standing for bash's ${ (a template literal would expand it). The format is
// read from __nbstart_logfmt, set in front of it.
const FUNCTIONS = String.raw`
__nbstart_log_line() {
  local level=$1 msg=$2 now=$EPOCHREALTIME t
  local sec=@{now%[.,]*} frac=@{now#*[.,]}
  case $__nbstart_logfmt in
    json)
      local n
      case $level in DEBUG) n=20 ;; WARNING) n=40 ;; ERROR) n=50 ;; FATAL) n=60 ;; *) n=30 ;; esac
      msg=@{msg//\\/\\\\}; msg=@{msg//\"/\\\"}; msg=@{msg//$'\n'/\\n}; msg=@{msg//$'\r'/\\r}; msg=@{msg//$'\t'/\\t}
      printf '{"level":%s,"time":%s%s,"name":"nbstart","msg":"%s"}\n' "$n" "$sec" "@{frac:0:3}" "$msg" >&2
      ;;
    pretty)
      printf -v t '%(%H:%M:%S)T' "$sec"
      [ "$level" = WARNING ] && level=WARN
      printf '[%s.%s] %s: %s\n' "$t" "@{frac:0:3}" "$level" "$msg" >&2
      ;;
    *)
      printf -v t '%(%Y-%m-%d %H:%M:%S)T' "$sec"
      msg=@{msg//$'\r\n'/$'\n'}; msg=@{msg//$'\r'/$'\n'}
      local line="$level[$t] @{msg//$'\n'/$'\n  '}" sgr=
      if [ -t 2 ] && [ -z "@{NO_COLOR-}" ]; then
        case $level in DEBUG) sgr='36' ;; WARNING) sgr='33' ;; ERROR) sgr='31' ;; FATAL) sgr='1;31' ;; esac
      fi
      if [ -n "$sgr" ]; then printf '\033[0;%sm%s\033[0m\n' "$sgr" "$line" >&2; else printf '%s\n' "$line" >&2; fi
      ;;
  esac
}
declare -F _log >/dev/null || _log() {
  local level=INFO
  case @{1-} in DEBUG | INFO | WARNING | ERROR | FATAL) level=$1; shift ;; esac
  if [ -n "@{JUPYTER_DOCKER_STACKS_QUIET-}" ]; then case $level in DEBUG | INFO) return 0 ;; esac; fi
  __nbstart_log_line "$level" "$*"
}
declare -F _log_info >/dev/null || _log_info() { _log INFO "$@"; }
declare -F _log_warn >/dev/null || _log_warn() { _log WARNING "$@"; }
declare -F _log_error >/dev/null || _log_error() { _log ERROR "$@"; }
declare -F _log_fatal >/dev/null || _log_fatal() { _log FATAL "$@"; exit 1; }
`;

/** Bash that defines the log functions for scripts, for a log in `format`. */
export function logFunctions(format: LogFormat): string {
  return `__nbstart_logfmt=${format}\n${FUNCTIONS.replaceAll('@{', '${')}`;
}
