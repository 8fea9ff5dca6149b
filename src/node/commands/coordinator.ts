/**
 * `fedseg coordinator --plan plan.json [--port 8080] [--host 127.0.0.1] [--data dir] [--static dist]`
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parsePlan } from '../../core/protocol/plan.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { startCoordinator } from '../../coordinator/startCoordinator.ts';
import { OPERATOR_TOKEN_FILE } from '../../coordinator/operatorToken.ts';
import type { Command } from '../command.ts';
import { roundLine } from '../roundLine.ts';

const usage = `fedseg coordinator --plan plan.json [--port 8080] [--host 127.0.0.1] [--data DIR] [--static DIR]

Runs the federation's coordinator: the HTTP API under /api/v1 (docs/api.md) and the web
page at /. State lives in --data (SQLite and model blobs); start again on the same
folder after a crash or kill and it resumes the current round with every acknowledged
update. Invite sites with \`fedseg invite --site NAME --data DIR\`.

Options:
  --plan FILE     federation plan (JSON); may be left out when --data already holds one
  --port N        TCP port (default 8080; 0 picks a free one)
  --host ADDR     address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --data DIR      data folder (default ./fedseg-data)
  --static DIR    built page to serve at / (default ./dist)`;

export const coordinatorCommand: Command = {
  summary: 'run the federation coordinator (API, rounds, aggregation, the page)',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        plan: { type: 'string' },
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string', default: 'fedseg-data' },
        static: { type: 'string', default: 'dist' },
      },
      strict: true,
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FedsegError('BAD_OPTION', `--port: expected 0-65535, found "${values.port}"`);
    let plan;
    if (values.plan) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(values.plan, 'utf8'));
      } catch (e) {
        throw new FedsegError('PLAN_UNREADABLE', `${values.plan}: cannot read the plan as JSON (${(e as Error).message})`);
      }
      plan = parsePlan(json, values.plan);
    }
    const running = await startCoordinator({
      ...(plan ? { plan } : {}),
      dataDir: resolve(values.data),
      port,
      host: values.host,
      staticRoot: resolve(values.static),
    });
    const s = await running.federation.roundStatus();
    console.log(`fedseg coordinator listening on ${running.url}`);
    console.log(`  federation "${s.federation}", plan ${s.planHash}`);
    console.log(`  ${roundLine(s)}; data in ${resolve(values.data)}`);
    console.log(`  invite a site: fedseg invite --site "Hospital A" --data ${values.data} --url ${running.url}`);
    console.log(`  operator dashboard: ${running.url}/#/operator (it asks for the token in ${join(resolve(values.data), OPERATOR_TOKEN_FILE)})`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        console.log('stopping the coordinator');
        void running.close().then(done, done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
