// `sluice audit`: reads the Ingresses once with the same source flags as the controller and says,
// per Ingress and annotation, what sluice will do with it: supported, partial, unsupported or invalid.
// --output text|json; --fail-on unsupported (unsupported or invalid) | invalid exits 1 when any is found.

import { buildOptionsFrom } from '../app/build-options.ts';
import { parseConfig } from '../config.ts';
import { createLogger } from '../util/log.ts';
import { annotationsMarkdownTable } from './annotation-table.ts';
import { auditSnapshot, auditText, type AuditResult } from './audit-report.ts';
import { AuditSourceError, readSnapshotOnce } from './read-once.ts';

export interface AuditIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

interface AuditFlags {
  output: 'text' | 'json';
  failOn: 'unsupported' | 'invalid' | null;
  rest: string[];
  errors: string[];
}

const AUDIT_HELP = `sluice audit: what sluice will do with each Ingress's annotations, read once, nothing written.

  --output text|json            report format (default text)
  --list-annotations            print every annotation sluice knows and what it does with it (Markdown)
  --fail-on unsupported|invalid exit 1 when any annotation is unsupported or invalid (unsupported) or invalid
  and the source flags of the controller: --kubeconfig, --manifests DIR, --ingress-class,
  --controller-class, --watch-namespace, --watch-ingress-without-class
`;

function splitFlags(argv: readonly string[]): AuditFlags {
  const flags: AuditFlags = { output: 'text', failOn: null, rest: [], errors: [] };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    const [name, inline] = token.includes('=')
      ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)]
      : [token, undefined];
    if (name !== '--output' && name !== '--fail-on') {
      flags.rest.push(token);
      continue;
    }
    const value = inline ?? argv[++i];
    if (name === '--output') {
      if (value === 'text' || value === 'json') flags.output = value;
      else flags.errors.push(`--output: expected text or json, not ${JSON.stringify(value ?? '')}`);
    } else if (value === 'unsupported' || value === 'invalid') {
      flags.failOn = value;
    } else {
      flags.errors.push(`--fail-on: expected unsupported or invalid, not ${JSON.stringify(value ?? '')}`);
    }
  }
  return flags;
}

function fails(audit: AuditResult, failOn: AuditFlags['failOn']): boolean {
  if (failOn === null) return false;
  return audit.summary.invalid > 0 || (failOn === 'unsupported' && audit.summary.unsupported > 0);
}

/** Runs the audit; resolves to the exit code (0, 1 for --fail-on, 2 for bad flags or an unreadable source). */
export async function runAudit(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: AuditIo,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(AUDIT_HELP);
    return 0;
  }
  if (argv.includes('--list-annotations')) {
    io.out(annotationsMarkdownTable());
    return 0;
  }
  const flags = splitFlags(argv);
  const parsed = parseConfig(flags.rest, env);
  const errors = [...flags.errors, ...(parsed.ok === false ? parsed.errors : [])];
  if (errors.length > 0 || parsed.ok !== true) {
    for (const error of errors) io.err(`sluice audit: ${error}\n`);
    return 2;
  }
  const config = parsed.config;
  // Logs go to stderr, so stdout holds only the report (JSON stays parseable).
  const log = createLogger({ level: 'warn', format: 'pretty', destination: { write: io.err } });
  let audit: AuditResult;
  try {
    audit = auditSnapshot(await readSnapshotOnce(config, log), buildOptionsFrom(config));
  } catch (error) {
    if (!(error instanceof AuditSourceError)) throw error;
    io.err(`sluice audit: ${error.message}\n`);
    return 2;
  }
  io.out(flags.output === 'json' ? `${JSON.stringify(audit, null, 2)}\n` : auditText(audit));
  return fails(audit, flags.failOn) ? 1 : 0;
}
