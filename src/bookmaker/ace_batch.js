'use strict';
// Ace by DAISY on several EPUBs in one Node process and one headless Chromium (ace-cli starts
// both for each EPUB). Argument: the path of the ace-cli installation, whose modules are used.
// Reads a line on stdin for each EPUB: its path, a tab, the folder for its report; answers with
// a line on stdout, "done" once report.json is written there, else "failed <reason>".
const { createRequire } = require('module');
const readline = require('readline');

const aceRequire = createRequire(process.argv[2]);
const ace = aceRequire('@daisy/ace-core');
const runner = aceRequire('@daisy/ace-axe-runner-puppeteer');
const logger = aceRequire('@daisy/ace-logger');

// ace-core launches and closes the browser around each EPUB: here it is launched once
let browser = null;
const sharedRunner = Object.assign({}, runner, {
  launch: () => (browser = browser || runner.launch()),
  close: () => Promise.resolve(),
});

async function main() {
  logger.initLogger({ verbose: false, silent: true });
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (!line) continue;
    const [epub, outdir] = line.split('\t');
    let answer = 'done';
    try {
      await ace(epub, { cwd: process.cwd(), outdir, silent: true, jobId: '' }, sharedRunner);
    } catch (err) {
      answer = `failed ${String(err && err.message ? err.message : err).replace(/\s+/g, ' ')}`;
    }
    process.stdout.write(`${answer}\n`);
  }
  if (browser) {
    await browser;
    await runner.close();
  }
}

main();
