import { dirname, join } from 'node:path';
import { formatBytes, formatMegabytes, formatMillis, formatPercent, formatRatio, formatSpread, markdownTable } from './markdown-format.js';
import type { ProfileSummary } from './cpu-profile.js';
import type { MicroSection } from './micro-bench.js';
import { BASELINE_NAMES, ratioByRun, type BaselineName, type PipelineCase, type PipelineSection, type SystemSummary } from './pipeline-results.js';
import { MEMORY_HEADROOM } from './deployed-memory.js';
import type { BenchReport } from './report.js';
import type { StateCellSummary } from './state-bench.js';
import { MIN_ENTRIES_FOR_BYTES, type ScalingSection, type StateSection } from './state-sections.js';
import { spreadOf } from './stats.js';
import { formatNumber } from './markdown-format.js';

// The spans row counts spans where the others count data points.
const TRANSPORT_NAMES = {
  'http-protobuf': 'OTLP/HTTP protobuf',
  'http-json': 'OTLP/HTTP JSON',
  grpc: 'OTLP/gRPC',
  'http-protobuf-spans': 'OTLP/HTTP protobuf spans (spans, not points)',
} as const;

/** The whole report as Markdown, section by section, for stdout. */
export function renderMarkdown(report: BenchReport, jsonPath: string): string {
  const { machine } = report;
  const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' / ');
  const parts = [
    `# otel-dp benchmark, ${report.startedAt}`,
    [
      `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ${formatMegabytes(machine.totalMemoryBytes)} MB of memory; ` +
        `processes ${machine.pinned ? 'pinned to one core each (taskset)' : 'not pinned (no taskset)'}.`,
      `Load average (1/5/15 min) ${load(machine.loadAverageBefore)} at the start, ${load(machine.loadAverageAfter)} at the end: ` +
        'other work on the machine lowers absolute rates; ratios measured in the same run are the steadier figures.',
      `${report.options.runs} run(s) of every measurement${report.options.quick ? ' (--quick)' : ''}; cells read median [min–max]. ` +
        `Took ${Math.round(report.durationSeconds)} s. JSON: ${jsonPath}`,
      codeLine(report.code, report.sidecarUnderTest),
    ].join('\n'),
  ];
  if (report.code.changedDuringRun.length > 0) {
    parts.push(
      `**Warning: source files changed while the run went on** (${listPaths(report.code.changedDuringRun)}); ` +
        'processes started after the change may have run other code than earlier ones.',
    );
  }
  if (report.failures.length > 0) parts.push(`**Sections that failed** (their figures are missing below): ${report.failures.join('; ')}`);
  if (report.pipeline !== undefined) parts.push(pipelineMarkdown(report.pipeline));
  if (report.state !== undefined) parts.push(stateMarkdown(report.state));
  if (report.scaling !== undefined) parts.push(scalingMarkdown(report.scaling, report.plots.map((file) => join(dirname(jsonPath), file))));
  if (report.micro !== undefined) parts.push(microMarkdown(report.micro));
  if (report.profiles.length > 0) parts.push(profilesMarkdown(report.profiles));
  if (report.targets.length > 0) {
    parts.push(
      '## Targets\n\n' +
        'Ratios of two systems are medians of the per-run ratios of points/s, which decide; the same ratio of points per CPU-second is beside it.\n\n' +
        markdownTable(
          ['Target', 'Median', 'Per CPU-second', 'Limit', 'Met'],
          report.targets.map((t) => [
            t.target,
            formatNumber(t.measured),
            t.perCpuSecond === undefined ? '' : formatNumber(t.perCpuSecond),
            `${t.kind} ${formatNumber(t.limit)}`,
            t.met ? 'yes' : '**no**',
          ]),
        ),
    );
  }
  return `${parts.join('\n\n')}\n`;
}

function listPaths(paths: readonly string[]): string {
  const shown = paths.slice(0, 8).join(', ');
  return paths.length > 8 ? `${shown} and ${paths.length - 8} more` : shown;
}

function codeLine(code: BenchReport['code'], other: BenchReport['sidecarUnderTest']): string {
  const measured = other === undefined ? '' : ` The pipeline section measured the otel-dp of ${other.checkout} (commit ${other.commit?.slice(0, 10) ?? 'unknown'}) under this harness.`;
  if (code.commit === undefined) return `Code: not in a git checkout.${measured}`;
  const changed = code.changedAtStart.length === 0 ? 'no uncommitted source change' : `uncommitted changes in ${listPaths(code.changedAtStart)}`;
  return `Code: commit ${code.commit.slice(0, 10)}, ${changed}.${measured}`;
}

function caseName(c: PipelineCase): [string, string] {
  return [TRANSPORT_NAMES[c.transport], c.gzip ? 'gzip' : 'none'];
}

const BASELINE_TITLES: Record<BaselineName, string> = {
  decode: 'decode-only pass',
  aggregate: 'aggregating pass (no privacy)',
  parse: 'JSON.parse pass',
};

function throughputTable(cases: readonly PipelineCase[]): string {
  const perCpu = (s: SystemSummary) => spreadOf(s.runs.map((r) => r.pointsPerSecond / r.sutCpu));
  const rows: string[][] = [];
  for (const c of cases) {
    rows.push([...caseName(c), (c.meanWireBytes / 1024).toFixed(0), 'DP pipeline (otel-dp run)', formatSpread(c.dp.pointsPerSecond), '', formatSpread(c.dp.sutCpu, formatRatio), formatSpread(perCpu(c.dp)), '', formatSpread(c.dp.steal, formatPercent)]);
    for (const name of BASELINE_NAMES) {
      const baseline = c.baselines[name];
      if (baseline === undefined) continue;
      rows.push([
        '',
        '',
        '',
        BASELINE_TITLES[name],
        formatSpread(baseline.pointsPerSecond),
        formatSpread(c.ratios[name]!, formatRatio),
        formatSpread(baseline.sutCpu, formatRatio),
        formatSpread(perCpu(baseline)),
        formatSpread(c.ratiosPerCpuSecond[name]!, formatRatio),
        formatSpread(baseline.steal, formatPercent),
      ]);
    }
  }
  return markdownTable(
    ['Transport', 'Compression', 'Request (KB on the wire)', 'System', 'Points/s', 'DP / this', 'CPU (cores)', 'Points per CPU-second', 'DP / this per CPU-second', 'CPU stolen by the host'],
    rows,
  );
}

function ratioTable(cases: readonly PipelineCase[]): string {
  const cell = (a: SystemSummary | undefined, b: SystemSummary | undefined) =>
    a === undefined || b === undefined ? '' : `${formatRatio(ratioByRun(a, b).median)} (${formatRatio(ratioByRun(a, b, true).median)})`;
  return markdownTable(
    ['Transport', 'DP / decode-only', 'DP / aggregating (no privacy)', 'DP / JSON.parse', 'Decode-only / JSON.parse'],
    cases.map((c) => [
      caseName(c)[0],
      cell(c.dp, c.baselines.decode),
      cell(c.dp, c.baselines.aggregate),
      cell(c.dp, c.baselines.parse),
      cell(c.baselines.decode, c.baselines.parse),
    ]),
  );
}

function pipelineMarkdown(section: PipelineSection): string {
  const { settings } = section;
  const plain = section.cases.filter((c) => !c.gzip);
  const gzipped = section.cases.filter((c) => c.gzip);
  const latencyRows = section.cases.map((c) => [
    ...caseName(c),
    ...c.dp.latency.flatMap((l) => [formatSpread(l.ratePerSecond), formatSpread(l.p50Millis, formatMillis), formatSpread(l.p99Millis, formatMillis)]),
  ]);
  const fractions = settings.openFractions.map((f) => `${Math.round(f * 100)} %`);
  const latency = markdownTable(
    ['Transport', 'Compression', ...fractions.flatMap((f) => [`requests/s at ${f}`, `p50 ms at ${f}`, `p99 ms at ${f}`])],
    latencyRows,
  );
  const errors = section.cases.flatMap((c) =>
    (['dp', ...BASELINE_NAMES] as const).flatMap((s) => {
      const summary = s === 'dp' ? c.dp : c.baselines[s];
      if (summary === undefined || summary.refused + summary.failed + summary.skipped === 0) return [];
      return [`${caseName(c).join(' ')} ${s}: ${summary.refused} refused, ${summary.failed} failed, ${summary.skipped} skipped`];
    }),
  );
  const limit = section.deployed.limitBytes;
  const memoryRows = section.cases.map((c) => {
    const share = c.dpPeakRssBytes / limit;
    return [...caseName(c), formatMegabytes(c.dpPeakRssBytes), formatMegabytes(limit), formatPercent(share), share > 1 - MEMORY_HEADROOM ? `**within ${formatPercent(MEMORY_HEADROOM)} of the limit**` : 'no'];
  });
  const otherPeaks = BASELINE_NAMES.filter((name) => section.peakRssBytes[name] !== undefined)
    .map((name) => `${BASELINE_TITLES[name]} ${formatMegabytes(section.peakRssBytes[name]!)} MB`)
    .join(', ');
  const parts = [
    '## Pipeline: `otel-dp run` and its baselines over loopback',
    `Closed loop with ${settings.concurrency} requests in flight for ${settings.closedMillis / 1000} s after a ${settings.warmupMillis / 1000} s warm-up; ` +
      'requests of 20 metrics × 50 points from 1,000 tokens, every point\'s time one second later at each resend. Baselines, each its own process ' +
      'on the same core, measured back to back with the DP pipeline in every run: the decode-only pass (the same OTLP receiver, a consumer that ' +
      'accepts at once: the limit of any pipeline on it); the aggregating pass (the same receiver, summing every series across tokens and ' +
      'exporting once per window, cumulative input turned into deltas per (token, series): a plain aggregating collector without privacy); ' +
      'for OTLP/JSON, the JSON.parse pass (an HTTP server that only checks UTF-8 and runs JSON.parse on each body). "DP / this" is the median ' +
      'of the per-run ratios. CPU is each process\'s own (from /proc), in cores; points per CPU-second divides by it, an estimate of one full ' +
      'core when other work takes part of it. CPU stolen by the host is the share of the machine\'s CPU time the hypervisor gave to other ' +
      'guests during the closed loop (steal in /proc/stat).',
    throughputTable(plain),
    'The ratios, per transport (median of the per-run ratios of points/s; per CPU-second in brackets):',
    ratioTable(plain),
  ];
  if (gzipped.length > 0) {
    parts.push(
      '**Gzipped bodies (not comparable with the rows above).** Gzipped bodies cannot have their times moved without compressing them ' +
        'again, so they are resent as built: after the first pass the sidecar drops their cumulative points (12 of the 20 metrics) as ' +
        'duplicates, lighter work than above.',
      throughputTable(gzipped),
    );
  }
  parts.push(
    `Latency of the DP pipeline: open loop (requests started on a fixed schedule for ${settings.openMillis / 1000} s, latency from the scheduled start) at fractions of its saturating rate in the same run.`,
    latency,
    `Memory as deployed: the sidecar ran with its manifest's ${settings.sidecarNodeOptions.length === 0 ? 'Node defaults' : `\`${settings.sidecarNodeOptions.join(' ')}\``} ` +
      `and its peak RSS (VmHWM${section.peakResetPerLoad ? ', started over before each run of each load' : '; it could not be started over, so each load includes those before it'}) ` +
      `is set against the memory limit of ${section.deployed.manifest}. A load whose peak comes within ${formatPercent(MEMORY_HEADROOM)} of the limit fails its target below.`,
    markdownTable(['Transport', 'Compression', 'Peak RSS MB', 'Limit MB', 'Share of the limit', 'Flagged'], memoryRows),
    `Peak RSS of the baselines: ${otherPeaks}. The sink received ${section.sinkRequests.toLocaleString('en-US')} window exports. ` +
      (errors.length === 0 ? 'No request was refused, failed or skipped.' : `Not accepted: ${errors.join('; ')}.`),
  );
  return parts.join('\n\n');
}

function stateRow(cell: StateCellSummary): string[] {
  return [
    cell.shape.temporality,
    cell.entries.toLocaleString('en-US'),
    `${formatNumber(cell.shape.tokens)} × ${cell.shape.seriesPerToken}`,
    formatSpread(cell.bytesPerEntry, formatBytes),
    formatSpread(cell.rssBytes, formatMegabytes),
    formatSpread(cell.peakRssBytes, formatMegabytes),
    formatSpread(cell.firstPassPointsPerSecond),
    formatSpread(cell.laterPassPointsPerSecond),
    formatSpread(cell.releaseMillis, formatMillis),
  ];
}

const STATE_HEADER = ['Input', 'Entries', 'Tokens × series', 'Bytes/entry', 'RSS MB', 'Peak RSS MB', 'First pass points/s', 'Later passes points/s', 'Release ms'];

function stateMarkdown(section: StateSection): string {
  return [
    '## State: bytes per (token, series) entry',
    `One DP processor in a fresh process per cell; every token touches ${section.seriesPerToken} series. Bytes/entry is ` +
      '(heap + array buffers after GC with the window full − before) / entries. Cumulative input also keeps a baseline per ' +
      '(token, series), measured after the second pass (the first that yields deltas). First pass: every pair new ' +
      '(delta: window entries; cumulative: baselines); later passes: pairs already held. Throughputs rest on at least ' +
      '500k points (small populations are fed again). Release: closing the full window (bounding, selection, noise).',
    markdownTable(STATE_HEADER, section.cells.map(stateRow)),
  ].join('\n\n');
}

function scalingMarkdown(section: ScalingSection, plots: string[]): string {
  const skipped = section.skipped.map((s) => `${formatNumber(s.tokens)} × ${s.seriesPerToken} (${formatNumber(s.entries)} entries)`);
  return [
    '## Scaling: tokens × series per token (delta sums)',
    markdownTable(STATE_HEADER, section.cells.map(stateRow)),
    `Below ${formatNumber(MIN_ENTRIES_FOR_BYTES)} entries, bytes/entry mostly shows the heap's own fluctuations between two readings ` +
      '(compiled code, pools grown in chunks); the memory plot leaves those cells out.',
    skipped.length === 0
      ? ''
      : `Skipped, above ${formatNumber(section.maxEntries)} entries (${section.capReason}): ${skipped.join(', ')}.`,
    plots.length === 0 ? '' : `Plots: ${plots.join(', ')}`,
  ]
    .filter((part) => part !== '')
    .join('\n\n');
}

function microMarkdown(section: MicroSection): string {
  return [
    '## Micro-benchmarks',
    markdownTable(
      ['Exact sampler', 'Samples/s, pooled CryptoRandomSource', 'Samples/s, one randomBytes call per draw', 'Pooled / per draw'],
      section.samplers.map((r) => [r.sampler, formatSpread(r.pooled), formatSpread(r.perDraw), `${formatSpread(r.speedup, (v) => v.toFixed(0))}×`]),
    ),
    markdownTable(
      ['Codec, one request of 1,000 points', 'Data points/s'],
      section.codecs.map((r) => [r.codec, formatSpread(r.pointsPerSecond)]),
    ),
    `OTLP/JSON decoder / JSON.parse of the same body, run by run: ${formatSpread(section.jsonDecodeOverParse, formatRatio)}.`,
  ].join('\n\n');
}

function profilesMarkdown(profiles: readonly ProfileSummary[]): string {
  const parts = [
    '## CPU profiles (self time, share of busy samples; compiled line numbers)',
    'A state cell builds its requests in the same process: time in `bench/` files is the harness, left out of the throughputs above.',
  ];
  for (const profile of profiles) {
    parts.push(
      `**${profile.process}**: ${profile.busySamples.toLocaleString('en-US')} busy samples, ${profile.file}\n\n` +
        markdownTable(
          ['Function', 'Where', 'Share'],
          profile.hotSpots.map((spot) => [spot.functionName, spot.location, `${(spot.share * 100).toFixed(1)} %`]),
        ),
    );
  }
  return parts.join('\n\n');
}
