// An administrator's day with items, in the browser: find a published
// item, withdraw it with a public reason (the public page becomes a
// tombstone with that reason), then act as its depositor from the people
// pages, with the banner on every page, and stop.
//
// CARREL_ITEM is a published item titled "Lagoon salinity"; CARREL_EMAIL
// signs in as an administrator; CARREL_DEPOSITOR_ID is the depositor's
// account id.
"use strict";
const { launch, step, expect, screenshot, env, signIn } = require("./lib.cjs");

async function main() {
  const { url, email, password, artifacts } = env();
  const item = process.env.CARREL_ITEM;
  const depositor = process.env.CARREL_DEPOSITOR_ID;
  const browser = await launch();
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, url, email, password);

  await step("the administrator finds the item and withdraws it with a reason", async () => {
    await admin.goto(url + "/admin");
    await Promise.all([admin.waitForURL(/\/admin\/items$/), admin.click('main a[href="/admin/items"]')]);
    await admin.fill("#i-q", "Lagoon");
    await admin.selectOption("#i-status", "public");
    await Promise.all([admin.waitForURL(/q=Lagoon/), admin.click('form[role=search] >> text=Find')]);
    await screenshot(admin, artifacts, "admin-items");
    await Promise.all([admin.waitForURL(new RegExp("/admin/items/" + item + "$")), admin.click('th[scope=row] a:has-text("Lagoon salinity")')]);
    await Promise.all([admin.waitForURL(/saved=withdrawn/), (async () => {
      await admin.fill("#w-reason", "The readings were taken with a faulty probe.");
      await admin.click("text=Withdraw the item");
    })()]);
    await admin.waitForSelector("text=The public record is now a tombstone");
    await screenshot(admin, artifacts, "admin-item-withdrawn");
    const anon = await (await browser.newContext()).newPage();
    await anon.goto(url + "/articles/x/" + item);
    await anon.waitForSelector("text=The readings were taken with a faulty probe.");
  });

  await step("the administrator acts as the depositor and stops", async () => {
    await admin.goto(url + "/admin/people/" + depositor);
    await Promise.all([admin.waitForURL(/\/account$/), admin.click("button >> text=Act as")]);
    await admin.waitForSelector(".impersonation >> text=are acting as");
    await admin.waitForSelector("text=Lagoon salinity");
    await screenshot(admin, artifacts, "impersonation-banner");
    await admin.goto(url + "/search?q=lagoon");
    await admin.waitForSelector(".impersonation");
    const res = await admin.goto(url + "/admin");
    expect(res.status() === 404, "administration while acting as a depositor: " + res.status());
    await Promise.all([admin.waitForURL(new RegExp("/admin/people/" + depositor + "$")), admin.click(".impersonation button")]);
    expect(await admin.locator(".impersonation").count() === 0, "the banner is still shown after stopping");
  });
  await browser.close();
}

main().catch((e) => { console.error("FAIL: " + (e && e.stack || e)); process.exit(1); });
