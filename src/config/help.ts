// --help and the README's flag table, both made from the flag table.
import { envVarName, FLAGS } from './flags.ts';
import type { FlagSpec } from './types.ts';

function flagUsage(spec: FlagSpec): string {
  return spec.placeholder === '' ? `--${spec.name}` : `--${spec.name} ${spec.placeholder}`;
}

export function helpText(): string {
  const width = Math.max(...FLAGS.map((spec) => flagUsage(spec).length)) + 2;
  const lines = [
    'Usage: npm start -- [flags]',
    '',
    'sluice: a Kubernetes HTTP ingress controller.',
    'Every flag can also be set by its SLUICE_* environment variable; a flag wins over the variable.',
    'Values go as --flag=value or --flag value; switches as --flag or --flag=false.',
    '',
    'Flags:',
  ];
  for (const spec of FLAGS) {
    lines.push(`  ${flagUsage(spec).padEnd(width)}${spec.help}`);
    lines.push(`  ${''.padEnd(width)}default: ${spec.defaultText}; env: ${envVarName(spec.name)}`);
  }
  lines.push(`  ${'--help'.padEnd(width)}show this text`);
  return `${lines.join('\n')}\n`;
}

function escapeTableCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/**
 * The flags as a Markdown table, for the README (test/readme.test.ts keeps README.md equal to it).
 * @public
 */
export function flagsMarkdownTable(): string {
  const rows = FLAGS.map(
    (spec) =>
      `| \`${escapeTableCell(flagUsage(spec))}\` | ${escapeTableCell(spec.defaultText)} | \`${envVarName(spec.name)}\` | ${escapeTableCell(spec.help)} |`,
  );
  return ['| flag | default | environment | meaning |', '|---|---|---|---|', ...rows, ''].join('\n');
}
