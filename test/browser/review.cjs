// A full review in the browser, as a depositor and a reviewer live it:
// the depositor submits; the reviewer finds it in the queue, asks a
// question and declines; the depositor answers, fixes the record and
// submits again; the reviewer approves; the item is public.
//
// CARREL_ITEM is the depositor's draft (in a group that reviews first);
// CARREL_REVIEWER_EMAIL signs in as its group's reviewer.
"use strict";
const { launch, step, expect, screenshot, env, signIn, SAVE } = require("./lib.cjs");

async function main() {
  const { url, email, password, artifacts } = env();
  const item = process.env.CARREL_ITEM;
  const browser = await launch();
  const depositor = await (await browser.newContext()).newPage();
  const reviewer = await (await browser.newContext()).newPage();
  await signIn(depositor, url, email, password);
  await signIn(reviewer, url, process.env.CARREL_REVIEWER_EMAIL, password);
  const edit = url + "/account/articles/" + item;
  const submit = 'section[aria-labelledby="pub-h"] button[type=submit]';

  await step("the depositor submits for review", async () => {
    await depositor.goto(edit);
    expect((await depositor.textContent(submit)).trim() === "Submit for review", "the button does not say Submit for review");
    await Promise.all([depositor.waitForURL(/submitted=1/), depositor.click(submit)]);
    await depositor.waitForSelector("text=Awaiting review since");
  });

  let reviewURL;
  await step("the reviewer finds it in the queue, takes it and asks a question", async () => {
    await reviewer.goto(url + "/admin/reviews");
    await screenshot(reviewer, artifacts, "review-queue");
    await Promise.all([reviewer.waitForURL(/\/admin\/reviews\/\d+$/), reviewer.click("td a >> text=Sediment cores")]);
    reviewURL = reviewer.url();
    await Promise.all([reviewer.waitForURL(reviewURL), reviewer.click("text=Assign to me")]);
    await reviewer.fill("#c-text", "Which lake were the cores taken from?");
    await Promise.all([reviewer.waitForURL(reviewURL), reviewer.click('form:has(#c-text) button[type=submit]')]);
    await reviewer.fill("#d-text", "Please name the lake in the title.");
    await Promise.all([reviewer.waitForURL(reviewURL), reviewer.click("text=Decline")]);
    await screenshot(reviewer, artifacts, "review-declined");
  });

  await step("the depositor reads the reason, fixes the title and submits again", async () => {
    await depositor.goto(edit);
    await depositor.waitForSelector("text=Please name the lake in the title.");
    await depositor.waitForSelector("text=Which lake were the cores taken from?");
    await depositor.fill("#f-title", "Sediment cores from Lake Bled");
    await Promise.all([depositor.waitForURL(/saved=1/), depositor.click(SAVE)]);
    await Promise.all([depositor.waitForURL(/submitted=1/), depositor.click(submit)]);
    await depositor.fill("#r-text", "Lake Bled, Slovenia; the title now says so.");
    await Promise.all([depositor.waitForURL(/#review-h$/), depositor.click('button[value="comment"]')]);
    await screenshot(depositor, artifacts, "review-depositor-thread");
  });

  await step("the reviewer approves and the item is public", async () => {
    await reviewer.goto(url + "/admin/reviews");
    await Promise.all([reviewer.waitForURL(/\/admin\/reviews\/\d+$/), reviewer.click("td a >> text=Sediment cores from Lake Bled")]);
    await reviewer.waitForSelector("text=Lake Bled, Slovenia; the title now says so.");
    await screenshot(reviewer, artifacts, "review-page");
    await Promise.all([reviewer.waitForURL(/\/articles\/[^/]+\/\d+$/), reviewer.click("text=Approve and publish")]);
    const anon = await (await browser.newContext()).newPage();
    const res = await anon.goto(reviewer.url());
    expect(res.status() === 200, "the approved item is not public: " + res.status());
    expect((await anon.textContent("h1")).trim() === "Sediment cores from Lake Bled", "public title");
  });
  await browser.close();
}

main().catch((e) => { console.error("FAIL: " + (e && e.stack || e)); process.exit(1); });
