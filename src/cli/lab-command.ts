// `lampi-doctor lab up|down|status|run|scenarios`.
import { basename, relative, resolve } from 'node:path';
import { diagnosisChecks } from '../../checks/index.js';
import { diagnose } from '../diagnose.js';
import { selectChecks } from '../engine/selection.js';
import { defaultLabDir, labHealth, prepareDefaultParents, readLab, startLab, stopLab, type Lab, type LabProcess } from '../lab/lab.js';
import { SCENARIOS } from '../lab/scenarios.js';
import { shellLines, shortenPath, wrap } from '../reporters/wrap.js';
import { emitReport, progressHooks, toDiagnoseInput, type DiagnoseArgs } from './diagnose-command.js';

export interface LabArgs extends DiagnoseArgs {
  action: 'up' | 'down' | 'status' | 'run' | 'scenarios';
  scenario: string;
  dir?: string;
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** How this user runs the tool: `lampi-doctor` when installed, `node dist/lampi-doctor.js` in a checkout. */
export function invokedAs(): string {
  const script = process.argv[1] ?? '';
  if (basename(script) === 'lampi-doctor') return 'lampi-doctor';
  const path = relative(process.cwd(), script);
  return `node ${path.startsWith('..') || !path ? script : path}`;
}

export function describeLab(lab: Lab, running = true, width = 0): string {
  const row = (label: string, text: string) => wrap(text, width, `  ${label.padEnd(12)}  `, ' '.repeat(16));
  return [
    `Lab "${lab.scenario}" in ${width ? shortenPath(lab.dir, width - 12) : lab.dir}`,
    row('cloud broker', `${lab.fqdn} = ${lab.publicAddress}: TLS ${lab.ports.tls} (client certificates required), WSS ${lab.ports.wss}; plain ${lab.ports.plain} on 127.0.0.1`),
    row('lamp broker', `127.0.0.1:${lab.ports.lampPlain}, bridging to the cloud as ${lab.bridgeClientId}`),
    row('configs', `${lab.files.cloudConfig}, ${lab.files.lampConfig} (logs beside them)`),
    '',
    running ? 'Diagnose it with:' : 'Diagnosing it as (the lab stops afterwards; `lab up` keeps one running):',
    // A command to copy: broken with ` \` continuations, never inside a word.
    ...shellLines([...invokedAs().split(' '), ...lab.diagnoseArgs().map(shellQuote)], width, '  ', '      '),
    '',
  ].join('\n');
}

const stdoutWidth = () => (process.stdout.isTTY ? process.stdout.columns || 0 : 0);
const listProcesses = (processes: LabProcess[]) => processes.map((proc) => `the ${proc.name} (pid ${proc.pid})`).join(' and ');

/** `lab status`: 0 when the lab runs (or there is none), 1 when a lab is there but a broker died. */
function labStatus(dir: string): number {
  const lab = readLab(dir);
  if (!lab) {
    process.stdout.write(`No lab is running in ${dir}.\n`);
    return 0;
  }
  const { alive, dead } = labHealth(lab);
  if (dead.length === 0) {
    process.stdout.write(describeLab(lab, true, stdoutWidth()));
    return 0;
  }
  const down = `${invokedAs()} lab down${dir === defaultLabDir() ? '' : ` --dir ${shellQuote(dir)}`}`;
  const logs = `(logs: ${lab.files.cloudLog}, ${lab.files.lampLog})`;
  if (alive.length === 0) {
    process.stdout.write(`Lab "${lab.scenario}" in ${dir} is not running: ${listProcesses(dead)} stopped ${logs}.\nClean up with: ${down}\n`);
  } else {
    process.stdout.write(
      `Lab "${lab.scenario}" in ${dir} is broken: ${listProcesses(dead)} is not running any more, while ${listProcesses(alive)} still runs ${logs}.\n` +
        `Restart it with: ${down}, then lab up\n`,
    );
  }
  return 1;
}

export async function runLabCommand(args: LabArgs): Promise<number> {
  const dir = resolve(args.dir ?? defaultLabDir());
  switch (args.action) {
    case 'scenarios': {
      const width = Math.max(...SCENARIOS.map((scenario) => scenario.name.length));
      for (const scenario of SCENARIOS) process.stdout.write(`${scenario.name.padEnd(width)}  ${scenario.description}\n`);
      return 0;
    }
    case 'status':
      return labStatus(dir);
    case 'down': {
      const lab = readLab(dir);
      if (!lab) {
        process.stdout.write(`No lab is running in ${dir}.\n`);
        return 0;
      }
      const outcome = await stopLab(lab);
      const stopped = outcome.stopped.length > 0 ? `${listProcesses(outcome.stopped)} stopped` : 'none of its processes was still running';
      process.stdout.write(`Stopped lab "${lab.scenario}" (${stopped}) and removed the files it created in ${dir}.\n`);
      if (outcome.leftAlone.length > 0) process.stdout.write(`Left ${listProcesses(outcome.leftAlone)} alone: that pid no longer runs the lab's command.\n`);
      if (outcome.leftFiles.length > 0) process.stdout.write(`Kept ${dir}: it holds files the lab did not create (${outcome.leftFiles.slice(0, 5).join(', ')}).\n`);
      return 0;
    }
    case 'up': {
      if (!args.dir) prepareDefaultParents(dir);
      const existing = readLab(dir);
      if (existing && labHealth(existing).alive.length > 0) {
        const broken = labHealth(existing).dead.length > 0 ? ' (one of its brokers died: `lab status` says which)' : '';
        process.stderr.write(`A lab ("${existing.scenario}") is already running in ${dir}${broken}: run \`lampi-doctor lab down\` first.\n`);
        return 1;
      }
      if (existing) await stopLab(existing);
      const lab = await startLab({ scenario: args.scenario, dir, detached: true });
      process.stdout.write(describeLab(lab, true, stdoutWidth()) + `Stop it with: ${invokedAs()} lab down${args.dir ? ` --dir ${shellQuote(dir)}` : ''}\n`);
      return 0;
    }
    case 'run': {
      selectChecks(diagnosisChecks, args.only, args.skip); // bad --only/--skip: say so before starting brokers
      const lab = await startLab({ scenario: args.scenario });
      try {
        if (args.format === 'human' && !args.output) process.stderr.write(describeLab(lab, false, process.stderr.isTTY ? process.stderr.columns || 0 : 0));
        const progress = await progressHooks(`Diagnosing the "${lab.scenario}" lab`);
        try {
          // The lab's own flags, then whatever else the user asked for (--samples, --qos, ...).
          const report = await diagnose({
            ...toDiagnoseInput({ ...args, fqdn: lab.fqdn }),
            ...lab.diagnoseInput(),
            only: args.only,
            skip: args.skip,
            failOn: args.failOn,
            hooks: progress.hooks,
          });
          progress.stop();
          await emitReport(report, args, true); // names the lab's key files
          return report.exitCode;
        } finally {
          progress.stop();
        }
      } finally {
        await lab.stop();
      }
    }
  }
}
