// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// The support chat in a real browser: headless Chromium (Debian's, driven by playwright-core)
//   node browser_support_chat.mjs --support-server BUILD/examples/support_server \
//        --chat-client BUILD/examples/chat_client --out-dir DIR [--screenshot FILE]
// support_server runs with --port 0 --web-port 0; two customer tabs and one TCP chat_client are
// connected at once (ids 1 and 3 the tabs, 2 the chat_client). Checked: the agent (the server's
// stdin and stdout) sees `* N joined`, `[N] text` and `* N left` for both kinds of customer, `/list`
// names all three, `@N text` reaches customer N alone (the other tab and the chat_client never get
// it), a customer's line never reaches another customer, an unknown id sends nothing. A screenshot
// of a tab with its conversation is written to DIR/support_chat.png (and to FILE if given).

import fs from 'node:fs';
import path from 'node:path';
import { Child, PATIENCE_MS, argValue, check, launchChromium, main, skip, step } from './lib.mjs';

const NAME = 'interop_browser_support_chat';

// The page's contract: input #msg, button #send, log #log (one element per line), own id in #me.
const LOG_LINES = '#log > *';

await main(NAME, async () => {
  const supportServer = argValue('--support-server');
  const chatClient = argValue('--chat-client');
  const outDir = argValue('--out-dir');
  if (!supportServer || !chatClient || !outDir) {
    skip(NAME, 'usage: --support-server PATH --chat-client PATH --out-dir DIR [--screenshot FILE]');
  }
  const browserPath = process.env.SOCKLITE_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(browserPath)) skip(NAME, `no Chromium at ${browserPath}`);
  fs.mkdirSync(outDir, { recursive: true });

  const agent = new Child(supportServer, ['--host', '127.0.0.1', '--port', '0', '--web-port', '0']);
  const tcp = await agent.listening('');
  const web = await agent.listening(' (web)');
  const errLines = agent.errLines();
  check(errLines.findIndex((l) => l.endsWith(`:${tcp.port}`)) <
        errLines.findIndex((l) => l.endsWith(`:${web.port} (web)`)),
        'stderr names the TCP port first, then the web port', agent.err);
  const pageUrl = `http://127.0.0.1:${web.port}/`;
  step('support_server listening');

  const browser = await launchChromium({ viewport: { width: 720, height: 620 } });
  step('Chromium started');
  try {
    await conversation(agent, browser.context, pageUrl, tcp.port, chatClient, outDir);
  } finally {
    await browser.close();
  }
});

// Opens a tab on the page and waits until it is connected as customer @p id.
async function openTab(context, agent, pageUrl, id) {
  const page = await context.newPage();
  page.setDefaultTimeout(PATIENCE_MS);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Console errors count, except the 404 of the favicon the browser asks for on its own.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/\/favicon\.ico$/.test(m.location().url || '')) {
      problems.push(`console: ${m.text()} (${m.location().url})`);
    }
  });
  const response = await page.goto(pageUrl);
  check(response && response.status() === 200, `GET ${pageUrl} is 200`, response && response.status());
  check(/^text\/html/.test((response && response.headers()['content-type']) || ''),
        'the page is text/html', response && response.headers()['content-type']);
  for (const sel of ['#msg', '#send', '#log', '#me']) {
    check(await page.locator(sel).count() === 1, `the page has one ${sel}`);
  }
  await agent.untilLine(`* ${id} joined`);
  await page.waitForFunction((n) => new RegExp(`\\b${n}\\b`).test(document.querySelector('#me').textContent),
                             id);
  page.problems = problems;
  return page;
}

// Types @p text into the page's box and sends it with the button.
async function say(page, text) {
  await page.fill('#msg', text);
  await page.click('#send');
}

// The text of each line of a tab's log.
function logLines(page) {
  return page.locator(LOG_LINES).allTextContents();
}

// Waits until one line of the tab's log contains @p text.
function untilLogHas(page, text) {
  return page.waitForFunction(([sel, t]) => [...document.querySelectorAll(sel)]
    .some((e) => e.textContent.includes(t)), [LOG_LINES, text]);
}

async function conversation(agent, context, pageUrl, tcpPort, chatClientPath, outDir) {
  // Customers 1 (tab A), 2 (chat_client) and 3 (tab B), each joined before the next comes.
  const tabA = await openTab(context, agent, pageUrl, 1);
  step('tab A is customer 1');
  const tcp = new Child(chatClientPath, ['--host', '127.0.0.1', '--port', String(tcpPort)]);
  await agent.untilLine('* 2 joined');
  step('chat_client is customer 2');
  const tabB = await openTab(context, agent, pageUrl, 3);
  step('tab B is customer 3');

  // Each customer says something; the agent sees it as `[N] text`, UTF-8 intact.
  const lines = { 1: 'Hello, my order 1234 has not arrived — κόσμε',
                  2: 'hi from the terminal customer',
                  3: 'Can I change my delivery address? ✓' };
  await say(tabA, lines[1]);
  await agent.untilLine(`[1] ${lines[1]}`);
  tcp.write(lines[2] + '\n');
  await agent.untilLine(`[2] ${lines[2]}`);
  await say(tabB, lines[3]);
  await agent.untilLine(`[3] ${lines[3]}`);
  step('each customer\'s line reached the agent');

  agent.write('/list\n');
  await agent.untilLine('* connected: 1 2 3');

  // The agent answers each customer, then tries an unknown id, then sends each an end marker:
  // replies to one connection go out in order, so a stray reply would arrive before its marker.
  const replies = { 1: 'Your order ships tomorrow, sorry for the wait.',
                    2: 'Hello, terminal customer: how can I help?',
                    3: 'Yes: use the form “Address” in your account — it takes effect at once.' };
  const ends = { 1: 'Anything else, customer 1?', 2: 'Anything else, customer 2?',
                 3: 'Anything else, customer 3?' };
  agent.write(`@1 ${replies[1]}\n@2 ${replies[2]}\n@3 ${replies[3]}\n@9 reply for nobody\n`);
  agent.write(`@1 ${ends[1]}\n@2 ${ends[2]}\n@3 ${ends[3]}\n`);
  await untilLogHas(tabA, ends[1]);
  await untilLogHas(tabB, ends[3]);
  await tcp.until((c) => c.out.includes(`${ends[2]}\n`), 'the end marker at the chat_client');
  await agent.until((c) => /9/.test(c.err.split('(web)').pop()), 'an error for the unknown id 9');
  step('replies delivered');

  const logA = await logLines(tabA);
  const logB = await logLines(tabB);
  const has = (log, text) => log.some((l) => l.includes(text));
  check(has(logA, replies[1]), 'tab A (customer 1) got its reply', JSON.stringify(logA));
  check(has(logB, replies[3]), 'tab B (customer 3) got its reply', JSON.stringify(logB));
  check(tcp.out === `${replies[2]}\n${ends[2]}\n`, 'the chat_client (customer 2) got its reply and nothing else',
        JSON.stringify(tcp.out));
  for (const [tab, log, own] of [['A', logA, 1], ['B', logB, 3]]) {
    for (const other of [1, 2, 3].filter((n) => n !== own)) {
      check(!has(log, replies[other]) && !has(log, ends[other]),
            `tab ${tab} never shows the reply to customer ${other}`, JSON.stringify(log));
      check(!has(log, lines[other]), `tab ${tab} never shows what customer ${other} said`,
            JSON.stringify(log));
    }
    check(!has(log, 'reply for nobody'), `tab ${tab} never shows the line for the unknown id`);
    // Each received line is its own element: the reply and the end marker are not merged.
    check(log.filter((l) => l.includes(replies[own]) || l.includes(ends[own])).length === 2,
          `tab ${tab}: the reply and the end marker are two log lines`, JSON.stringify(log));
  }
  check(!agent.outLines().some((l) => Object.values(replies).some((r) => l.includes(r))),
        'the agent\'s replies are not printed back as customer lines', agent.out);

  // A picture of a conversation (tab A): in the build tree, and in docs/ when asked.
  const shot = path.join(outDir, 'support_chat.png');
  await tabA.screenshot({ path: shot });
  const docsShot = argValue('--screenshot');
  if (docsShot) fs.copyFileSync(shot, docsShot);
  check(fs.statSync(shot).size > 1000, 'a screenshot was written', shot);
  step('screenshot taken');

  // Leaving: a closed tab and an ended chat_client are `* N left`, the others stay.
  await tabA.close();
  await agent.untilLine('* 1 left');
  step('tab A left');
  tcp.endInput();
  await agent.untilLine('* 2 left');
  step('chat_client left');
  const tcpExit = await tcp.wait();
  check(tcpExit.code === 0, 'chat_client exits 0 after stdin EOF', JSON.stringify(tcpExit));
  agent.write('/list\n');
  await agent.untilLine('* connected: 3');
  await say(tabB, 'still here');
  await agent.untilLine('[3] still here');
  await tabB.close();
  await agent.untilLine('* 3 left');
  step('tab B left');

  for (const [tab, page] of [['A', tabA], ['B', tabB]]) {
    check(page.problems.length === 0, `tab ${tab}: no script errors`, JSON.stringify(page.problems));
  }

  agent.endInput();
  const agentExit = await agent.wait();
  step('support_server ended');
  check(agentExit.code === 0, 'support_server exits 0 when its stdin ends', JSON.stringify(agentExit));
  const unexpected = agent.errLines().filter((l) => !l.startsWith('listening on ') && !/\b9\b/.test(l));
  check(unexpected.length === 0, 'support_server printed no other error', JSON.stringify(unexpected));
}
