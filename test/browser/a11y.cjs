// An accessibility scan of Carrel's main pages with axe-core (WCAG 2.1 A
// and AA rules). Any serious or critical violation fails.
//
// CARREL_PAGES is a JSON list of paths; those under /account are visited
// after signing in with CARREL_EMAIL / CARREL_PASSWORD.
"use strict";
const fs = require("fs");
const { launch, step, expect, screenshot, env, signIn, SAVE } = require("./lib.cjs");

async function main() {
  const { url, email, password, pages, artifacts } = env();
  const axe = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const browser = await launch();
  // Carrel's pages forbid inline and injected scripts; the scanner is
  // allowed in only here.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, url, email, password);
  let failures = [];
  for (const p of pages) {
    await step("axe " + p, async () => {
      const res = await page.goto(url + p);
      expect(res.status() < 500, p + " answered " + res.status());
      await page.evaluate(axe);
      const result = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      }));
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      for (const v of bad) {
        failures.push(p + ": " + v.impact + " " + v.id + " (" + v.help + ") at " + v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", "));
      }
      console.log("     " + p + ": " + result.passes.length + " rules pass, " + result.violations.length + " violations (" + bad.length + " serious or critical)");
      if (bad.length) { await screenshot(page, artifacts, "a11y-fail-" + p.replace(/\W+/g, "_")); }
    });
  }
  await browser.close();
  expect(failures.length === 0, "accessibility violations:\n  " + failures.join("\n  "));
}

main().catch((e) => { console.error("FAIL: " + (e && e.stack || e)); process.exit(1); });
