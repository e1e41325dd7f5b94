// A group's custom metadata fields, end to end in the browser: an
// administrator adds fields of each kind to a group (one mandatory
// dropdown), moves one to the top and makes the depositor a member; the
// depositor sees them in that order on the new-item form, gets inline
// errors for a bad URL, a bad email and (at publishing) the empty
// mandatory field without losing anything typed, fixes them and
// publishes; the landing page shows the values as text, and the API gives
// them as Figshare's custom_fields.
//
// CARREL_EMAIL signs in as an administrator; CARREL_GROUP is a group with
// no fields of its own; CARREL_DEPOSITOR_ID and CARREL_DEPOSITOR_EMAIL
// are an account that is not yet in it (same password).
"use strict";
const { launch, step, expect, screenshot, env, signIn, SAVE } = require("./lib.cjs");

// The fields as the administrator adds them; "Sampling site" is then
// moved to the top.
const FIELDS = [
  { name: "Vessel", type: "text" },
  { name: "Cruise report", type: "url" },
  { name: "Chief scientist", type: "email" },
  { name: "Sampled on", type: "date" },
  { name: "Remarks", type: "textarea" },
  { name: "Sampling site", type: "dropdown", options: "Bay\nEstuary\nReef", mandatory: true },
];
const ORDER = ["Sampling site", "Vessel", "Cruise report", "Chief scientist", "Sampled on", "Remarks"];
const MARKUP = "<img src=x onerror=window.__xss=1> & \"quoted\"";

async function main() {
  const { url, email, password, artifacts } = env();
  const group = process.env.CARREL_GROUP;
  const depositorID = process.env.CARREL_DEPOSITOR_ID;
  const browser = await launch();
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, url, email, password);

  await step("the administrator adds six fields and moves the dropdown to the top", async () => {
    for (const f of FIELDS) {
      await admin.goto(url + "/admin/groups/" + group);
      await admin.fill("#nf-name", f.name);
      await admin.selectOption("#nf-type", f.type);
      if (f.options) { await admin.fill("#nf-options", f.options); }
      if (f.mandatory) { await admin.check("#nf-mandatory"); }
      await Promise.all([admin.waitForURL(/saved=1$/), admin.click("text=Add the field")]);
    }
    for (let i = 0; i < FIELDS.length - 1; i++) {
      await Promise.all([admin.waitForURL(/saved=1$/), admin.getByRole("button", { name: /move Sampling site up$/ }).click()]);
    }
    const listed = await admin.$$eval('[aria-labelledby="fields-h"] tbody th[scope=row]',
      (ths) => ths.map((th) => th.textContent.trim()));
    expect(listed.join("|") === ORDER.join("|"), "fields listed as " + listed.join(", "));
    await screenshot(admin, artifacts, "admin-group-fields");
    await admin.goto(url + "/admin/people/" + depositorID);
    await admin.selectOption("#a-group", group);
    await Promise.all([admin.waitForURL(/\/admin\/people\/\d+/), admin.click('form[action$="/access"] button[type=submit]')]);
    expect(await admin.$eval("#a-group", (s) => s.value) === group, "the depositor's home group did not change");
  });

  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(page, url, process.env.CARREL_DEPOSITOR_EMAIL, password);
  const key = {};
  const typed = {};
  await step("the depositor sees the fields in order; bad values come back inline with everything kept", async () => {
    await page.goto(url + "/account/articles/new");
    const labels = await page.$$eval("fieldset.custom-fields .field > label", (ls) => ls.map((l) => ({ text: l.textContent.trim(), for: l.htmlFor })));
    expect(labels.map((l) => l.text.replace(/ \(needed to publish\)$/, "")).join("|") === ORDER.join("|"),
      "the form lists " + labels.map((l) => l.text).join(", "));
    expect(labels[0].text.includes("needed to publish"), "the mandatory field is not marked: " + labels[0].text);
    for (const [i, name] of ORDER.entries()) { key[name] = "#" + labels[i].for; }
    await page.fill("#f-title", "Plankton counts");
    await page.fill("#f-description", "Counts from net tows.");
    await page.selectOption("#f-item_type", { label: "dataset" });
    await page.fill("#f-authors", "Dana Depositor");
    await page.selectOption("#f-license", { index: 1 });
    await page.selectOption("#f-categories", { index: 0 });
    Object.assign(typed, { "Vessel": "RV " + MARKUP, "Cruise report": "not a web address", "Chief scientist": "nobody-at-example",
      "Sampled on": "2026-04-30", "Remarks": "Calm sea.\n" + MARKUP });
    for (const [name, v] of Object.entries(typed)) { await page.fill(key[name], v); }
    await page.click(SAVE);
    await page.waitForSelector("#form-error");
    for (const name of ["Cruise report", "Chief scientist"]) {
      expect(await page.getAttribute(key[name], "aria-invalid") === "true", name + " is not marked invalid");
      const err = await page.$("#e-" + key[name].slice(3));
      expect(err !== null, name + " has no inline error");
    }
    for (const [name, v] of Object.entries(typed)) {
      expect(await page.inputValue(key[name]) === v, name + " lost: " + await page.inputValue(key[name]));
    }
    expect(await page.inputValue("#f-title") === "Plankton counts", "title lost");
    expect(await page.inputValue("#f-authors") === "Dana Depositor", "authors lost");
    await screenshot(page, artifacts, "custom-fields-errors");
    typed["Cruise report"] = "https://cruises.example.edu/2026/04";
    typed["Chief scientist"] = "chief@example.edu";
    await page.fill(key["Cruise report"], typed["Cruise report"]);
    await page.fill(key["Chief scientist"], typed["Chief scientist"]);
    await Promise.all([page.waitForURL(/\/account\/articles\/\d+\?saved=1$/), page.click(SAVE)]);
  });

  let id;
  await step("publishing without the mandatory field is refused beside it; choosing a site publishes", async () => {
    id = page.url().match(/\/(\d+)\?saved=1$/)[1];
    await page.click('section[aria-labelledby="pub-h"] button[type=submit]');
    await page.waitForSelector("#form-error");
    expect(await page.getAttribute(key["Sampling site"], "aria-invalid") === "true", "the mandatory field is not marked");
    for (const [name, v] of Object.entries(typed)) {
      expect(await page.inputValue(key[name]) === v, name + " changed after the refused publish: " + await page.inputValue(key[name]));
    }
    await screenshot(page, artifacts, "custom-fields-mandatory");
    await page.selectOption(key["Sampling site"], "Estuary");
    typed["Sampling site"] = "Estuary";
    await Promise.all([page.waitForURL(/\?saved=1$/), page.click(SAVE)]);
    await Promise.all([page.waitForURL(/\/articles\/[^/]+\/\d+$/), page.click('section[aria-labelledby="pub-h"] button[type=submit]')]);
  });

  await step("the landing page shows the values in order, as text", async () => {
    const shown = await page.$$eval("dl.details dt", (dts) => dts.map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]));
    const custom = shown.filter(([name]) => ORDER.includes(name));
    expect(custom.map(([n]) => n).join("|") === ORDER.join("|"), "landing page order: " + custom.map(([n]) => n).join(", "));
    for (const [name, value] of custom) {
      expect(value === typed[name], name + " shows " + JSON.stringify(value) + ", not " + JSON.stringify(typed[name]));
    }
    expect(await page.$("dl.details img") === null, "the markup in a value became an element");
    expect(await page.evaluate(() => window.__xss) === undefined, "the markup in a value ran");
    const link = await page.getAttribute('dl.details a[href^="https://cruises"]', "href");
    expect(link === typed["Cruise report"], "the URL field is not a link: " + link);
    await screenshot(page, artifacts, "custom-fields-landing");
  });

  await step("the API gives them as custom_fields", async () => {
    const res = await page.request.get(url + "/v2/articles/" + id);
    expect(res.status() === 200, "GET /v2/articles/" + id + ": " + res.status());
    const cf = (await res.json()).custom_fields;
    expect(cf.map((f) => f.name).join("|") === ORDER.join("|"), "custom_fields order: " + cf.map((f) => f.name).join(", "));
    for (const f of cf) {
      expect(f.value === typed[f.name], f.name + " is " + JSON.stringify(f.value));
    }
    const site = cf[0];
    expect(site.field_type === "dropdown" && site.is_mandatory === true && site.order === 1, "Sampling site: " + JSON.stringify(site));
  });
  await browser.close();
}

main().catch((e) => { console.error("FAIL: " + (e && e.stack || e)); process.exit(1); });
