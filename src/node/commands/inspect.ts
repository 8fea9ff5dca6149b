/**
 * `fedseg inspect <files or folders...> [--json]`: which cases the files hold, what each
 * case has and lacks, and why any file cannot be used.
 */
import { parseArgs } from 'node:util';
import { SEQUENCES } from '../../core/types/sequences.ts';
import { discoverCases } from '../../io/discovery/discoverCases.ts';
import type { DiscoveredCase, DiscoveryReport } from '../../io/discovery/discoveryReport.ts';
import { sequenceGaps } from '../../io/discovery/sequenceGaps.ts';
import { problemDetail } from '../../io/sourceFile.ts';
import type { Command } from '../command.ts';
import { readFolder } from '../readFolder.ts';

const usage = `fedseg inspect <files or folders...> [--json]

Finds the cases in the given files and folders (searched recursively) and prints, per
case: its source (NIfTI or DICOM), the sequences found and missing (T1, T1Gd, T2,
FLAIR), the grid (dimensions, spacing, orientation) and whether it has a label. Then
every file that cannot be used, with the reason.

NIfTI files are recognised by BraTS names (<case>_t1, _t1ce, _t2, _flair, _seg; or
-t1n, -t1c, -t2w, -t2f, -seg); DICOM series are grouped by study and matched to
sequences by their SeriesDescription. See docs/data.md.

Options:
  --json   print the report as JSON`;

const fmt = (v: readonly number[], digits = 2) => v.map((x) => +x.toFixed(digits)).join('x');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

/** The report as plain JSON: no voxels. */
export function reportJson(report: DiscoveryReport): unknown {
  return {
    cases: report.cases.map(({ loadImaging, ...c }: DiscoveredCase) => ({ ...c, complete: loadImaging !== undefined })),
    unassigned: report.unassigned,
    problems: report.problems,
    assignments: report.assignments,
  };
}

export function reportText(report: DiscoveryReport): string {
  const out: string[] = [];
  if (report.cases.length === 0) out.push('No cases found.');
  else {
    const rows = [['case', 'source', 'found', 'missing', 'dims', 'spacing (mm)', 'orient', 'label']];
    for (const c of report.cases) {
      rows.push([
        c.id, c.source, c.found.join(' ') || '-', sequenceGaps(c) || '-',
        fmt(c.dims, 0), fmt(c.spacing), c.orientation, c.hasLabel ? 'yes' : 'no',
      ]);
    }
    out.push(table(rows));
    const complete = report.cases.filter((c) => c.missing.length === 0).length;
    out.push('', `${report.cases.length} case(s), ${complete} complete (all of ${SEQUENCES.join(', ')}), ${report.cases.filter((c) => c.hasLabel).length} with labels.`);
  }
  const notes = report.cases.flatMap((c) => c.notes.map((n) => `  ${c.id}: ${n}`));
  if (notes.length) out.push('', 'Notes:', ...notes);
  if (report.unassigned.length) {
    out.push('', 'Not used:');
    for (const u of report.unassigned) out.push(`  ${u.caseId ? `${u.caseId}: ` : ''}${u.description}: ${u.reason}`);
  }
  if (report.problems.length) {
    out.push('', `Files that cannot be used (${report.problems.length}):`);
    for (const p of report.problems) out.push(`  ${p.file}: ${problemDetail(p)} [${p.code}]`);
  }
  return out.join('\n');
}

export const inspectCommand: Command = {
  summary: 'list the cases (sequences, grids, labels) in files or folders, and unusable files',
  usage,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
    if (positionals.length === 0) {
      console.error(`fedseg inspect: expected at least one file or folder\n\n${usage}`);
      return 2;
    }
    const read = readFolder(positionals);
    const report = await discoverCases(read.files);
    const full: DiscoveryReport = { ...report, problems: [...read.problems, ...report.problems] };
    console.log(values.json ? JSON.stringify(reportJson(full), null, 2) : reportText(full));
    return full.cases.length > 0 ? 0 : 1;
  },
};
