// Every page that shows user-supplied text is visited with the page's own
// Content-Security-Policy switched off, so that only Carrel's escaping
// stands between a payload and the visitor. Any payload that runs sets
// window.__xss, opens a dialog or leaves a marked element in the DOM.
//
// CARREL_PAGES lists the paths to visit (signed in, so drafts show too).
"use strict";
const { launch, step, expect, screenshot, env, signIn, SAVE } = require("./lib.cjs");

async function main() {
  const { url, email, password, pages, artifacts } = env();
  const browser = await launch();
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", (d) => { dialogs.push(page.url() + ": " + d.message()); d.dismiss(); });
  await signIn(page, url, email, password);
  // The same payloads typed into every text field of the deposit form.
  const payloads = JSON.parse(process.env.CARREL_PAYLOADS || "[]");
  await step("type payloads into the deposit form", async () => {
    await page.goto(url + "/account/articles/new");
    const all = payloads.join(" ");
    await page.fill("#f-title", "Typed " + payloads[2]);
    await page.fill("#f-description", all);
    await page.fill("#f-authors", payloads.map((p) => "B " + p.replace(/\|/g, "")).join("\n"));
    await page.fill("#f-keywords", payloads.map((p) => p.replace(/,/g, " ")).join(", "));
    await page.fill("#f-references", payloads.join("\n"));
    await page.fill("#f-funding", all);
    await page.click(SAVE);
    await page.waitForLoadState("load");
    pages.push(new URL(page.url()).pathname);
    // The draft's own page, as its depositor sees it.
    const view = await page.getAttribute("a >> text=View its page", "href").catch(() => null);
    if (view) { pages.push(view); }
  });
  const ran = [];
  for (const p of pages) {
    await step("inert " + p, async () => {
      const res = await page.goto(url + p);
      expect(res.status() < 500, p + " answered " + res.status());
      // Give handlers (onerror of broken images, onload) a moment to fire.
      await page.waitForLoadState("networkidle");
      for (const frame of page.frames()) {
        const hit = await frame.evaluate(() => ({
          flag: window.__xss === 1,
          marked: document.querySelectorAll("[data-xss], xss-probe, [onerror], [onload], [onclick], [onmouseover]").length,
          js: Array.from(document.querySelectorAll("a[href], iframe[src], form[action]"))
            .filter((e) => /^\s*javascript:/i.test(e.getAttribute("href") || e.getAttribute("src") || e.getAttribute("action"))).length,
        })).catch(() => ({ flag: false, marked: 0, js: 0 }));
        if (hit.flag || hit.marked || hit.js) {
          ran.push(p + " (" + frame.url() + "): " + JSON.stringify(hit));
          await screenshot(page, artifacts, "xss-" + p.replace(/\W+/g, "_"));
        }
      }
    });
  }
  await browser.close();
  expect(ran.length === 0 && dialogs.length === 0, "payloads ran:\n  " + ran.concat(dialogs).join("\n  "));
}

main().catch((e) => { console.error("FAIL: " + (e && e.stack || e)); process.exit(1); });
