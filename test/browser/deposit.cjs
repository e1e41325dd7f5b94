// The depositor's path through a real browser: sign in, fill the form (and
// see a validation error keep everything typed), upload files by the file
// picker and by drag and drop, lose the network in the middle of a part,
// close the page, come back and resume, publish, find the item by search,
// open its landing page, preview every file type, download.
//
// Run by cmd/carrel's TestBrowser, which starts Carrel and passes:
//   CARREL_URL, CARREL_EMAIL, CARREL_PASSWORD, CARREL_FILES (a folder of
//   files to upload, with manifest.json: [{name, sha256, preview}]),
//   CARREL_ARTIFACTS (where screenshots go).
"use strict";
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const { launch, step, expect, screenshot, env, SAVE, uploaded } = require("./lib.cjs");

async function main() {
  const { url, email, password, files, artifacts } = env();
  const manifest = JSON.parse(fs.readFileSync(path.join(files, "manifest.json"), "utf8"));
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  const title = "Coastal salinity profiles " + Date.now();

  await step("sign in", async () => {
    await page.goto(url + "/account");
    expect(new URL(page.url()).pathname === "/login", "anonymous /account goes to /login, got " + page.url());
    await page.fill("#email", email);
    await page.fill("#password", password);
    await Promise.all([page.waitForURL(url + "/account"), page.click('form[action="/login"] button[type=submit]')]);
  });

  let editURL;
  await step("create a draft; a validation error keeps what was typed", async () => {
    await page.click("text=New item");
    await page.fill("#f-title", title);
    await page.fill("#f-description", "Salinity and temperature profiles along the estuary, 2019–2024.");
    await page.selectOption("#f-item_type", { label: "dataset" });
    await page.fill("#f-authors", "Ada Lovelace | 0000-0002-1825-009X");
    await page.selectOption("#f-license", { index: 1 });
    await page.fill("#f-keywords", "salinity, estuary");
    const firstCategory = await page.$eval("#f-categories option", (o) => o.value);
    await page.selectOption("#f-categories", firstCategory);
    await page.click(SAVE);
    // The ORCID's checksum is wrong: the form comes back with an error,
    // every other field as it was typed.
    await page.waitForSelector("#form-error");
    expect(await page.inputValue("#f-title") === title, "title lost after a validation error");
    expect((await page.inputValue("#f-description")).startsWith("Salinity and temperature"), "description lost");
    expect(await page.inputValue("#f-keywords") === "salinity, estuary", "keywords lost");
    expect(await page.getAttribute("#f-authors", "aria-invalid") === "true", "the authors field is not marked invalid");
    await screenshot(page, artifacts, "edit-validation-error");
    await page.fill("#f-authors", "Ada Lovelace | 0000-0002-1825-0097\nGrace Hopper");
    await Promise.all([page.waitForURL(/\/account\/articles\/\d+\?saved=1$/), page.click(SAVE)]);
    editURL = page.url().replace(/\?saved=1$/, "");
  });
  const articleID = editURL.match(/(\d+)$/)[1];

  const big = manifest.find((f) => f.name === "big.bin");
  const others = manifest.filter((f) => f !== big && f.name !== "dropped.txt");
  await step("upload " + others.length + " files with the file picker", async () => {
    const reloaded = page.waitForEvent("load", { timeout: 120000 });
    await page.setInputFiles("#upload-files", others.map((f) => path.join(files, f.name)));
    await uploaded(page, reloaded);
  });

  await step("drag and drop a file onto the uploader", async () => {
    const bytes = fs.readFileSync(path.join(files, "dropped.txt")).toString("base64");
    const dt = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer();
      const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([raw], "dropped.txt", { type: "text/plain" }));
      return dt;
    }, bytes);
    await page.dispatchEvent("#uploader", "dragover", { dataTransfer: dt });
    const reloaded = page.waitForEvent("load", { timeout: 120000 });
    await page.dispatchEvent("#uploader", "drop", { dataTransfer: dt });
    await uploaded(page, reloaded);
  });

  await step("lose the network during a part, close the page, come back and resume", async () => {
    let part1 = 0;
    const drop = async (route) => {
      const u = route.request().url();
      if (route.request().method() === "PUT" && /\/2$/.test(u)) { return route.abort("internetdisconnected"); }
      if (route.request().method() === "PUT" && /\/1$/.test(u)) { part1++; }
      return route.continue();
    };
    await page.route("**/upload/**", drop);
    await page.setInputFiles("#upload-files", path.join(files, big.name));
    await page.waitForSelector("text=/connection lost; retrying part 2/", { timeout: 60000 });
    await screenshot(page, artifacts, "upload-interrupted");
    expect(part1 === 1, "part 1 was sent " + part1 + " times before the drop");
    // The depositor gives up on this page while still offline, and comes
    // back later: the old page's retries must not reach the server.
    await page.goto(editURL);
    await page.unroute("**/upload/**", drop);
    let resent1 = 0;
    const count = (route) => {
      if (route.request().method() === "PUT" && /\/1$/.test(route.request().url())) { resent1++; }
      return route.continue();
    };
    await page.route("**/upload/**", count);
    const reloaded = page.waitForEvent("load", { timeout: 120000 });
    await page.setInputFiles("#upload-files", path.join(files, big.name));
    await uploaded(page, reloaded);
    await page.unroute("**/upload/**", count);
    expect(resent1 === 0, "resuming sent part 1 again (" + resent1 + " times)");
    const listed = await page.$$eval("#files-h + ul.files .fname", (els) => els.map((e) => e.textContent.trim()));
    for (const f of manifest) {
      expect(listed.filter((n) => n === f.name).length === 1, f.name + " is listed " + listed.filter((n) => n === f.name).length + " times: " + listed.join(", "));
    }
    await screenshot(page, artifacts, "edit-with-files");
  });

  await step("publish", async () => {
    await Promise.all([page.waitForURL(/\/articles\/[^/]+\/\d+$/), page.click('section[aria-labelledby="pub-h"] button[type=submit]')]);
    expect((await page.textContent("h1")).trim() === title, "landing page title");
  });

  await step("find it by search and open the landing page", async () => {
    await page.goto(url + "/search?q=" + encodeURIComponent("salinity estuary"));
    await screenshot(page, artifacts, "search");
    await Promise.all([page.waitForURL(new RegExp("/articles/[^/]+/" + articleID + "$")), page.click("text=" + title)]);
    const note = await page.textContent(".version-note");
    expect(/version 1 of 1/.test(note), "version note: " + note);
    const orcid = await page.getAttribute(".authors a.orcid", "href");
    expect(orcid === "https://orcid.org/0000-0002-1825-0097", "ORCID link: " + orcid);
    await screenshot(page, artifacts, "landing");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, artifacts, "landing-phone");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 1, "the landing page scrolls sideways on a phone by " + overflow + "px");
    await page.setViewportSize({ width: 1280, height: 900 });
  });
  const landing = page.url();

  for (const f of manifest.filter((f) => f.preview)) {
    await step("preview " + f.name + " (" + f.preview + ")", async () => {
      await page.goto(landing);
      const link = page.locator("ul.files li", { hasText: f.name }).locator("a", { hasText: "Preview" });
      await Promise.all([page.waitForURL(/\/preview\/\d+/), link.click()]);
      await checkPreview(page, f);
      await screenshot(page, artifacts, "preview-" + f.name.replace(/\W/g, "_"));
    });
  }

  for (const f of manifest.filter((f) => f.name === "data.csv" || f === big)) {
    await step("download " + f.name, async () => {
      await page.goto(landing);
      const link = page.locator("ul.files li", { hasText: f.name }).locator("a", { hasText: "Download" });
      const [dl] = await Promise.all([page.waitForEvent("download"), link.click()]);
      expect(dl.suggestedFilename() === f.name, "download named " + dl.suggestedFilename());
      const got = crypto.createHash("sha256").update(fs.readFileSync(await dl.path())).digest("hex");
      expect(got === f.sha256, f.name + ": downloaded bytes differ");
    });
  }
  expect(dialogs.length === 0, "a dialog opened: " + dialogs.join("; "));
  await browser.close();
}

// checkPreview asserts what each kind of preview must show, and that
// uploaded markup never runs in Carrel's origin.
async function checkPreview(page, f) {
  const has = async (sel) => (await page.$(sel)) !== null;
  switch (f.preview) {
    case "table":
      expect((await page.$$eval("table td", (tds) => tds.map((t) => t.textContent))).includes("12.5"), "CSV cell 12.5 missing");
      break;
    case "image":
      expect(await page.$eval("main img", (img) => img.complete && img.naturalWidth > 0), "image did not load");
      break;
    case "pdf": {
      const sandbox = await page.getAttribute("main iframe, main embed, main object", "sandbox");
      expect(sandbox !== null, "the PDF frame is not sandboxed");
      break;
    }
    case "markdown":
      expect(await has("main h1 >> text=Field notes"), "markdown heading not rendered");
      expect(!(await has("main script")), "markdown kept a script element");
      break;
    case "code":
      expect(await has("main pre span"), "source code is not highlighted");
      break;
    case "json":
      expect((await page.textContent("main pre")).includes("\"station\""), "JSON not shown");
      break;
    case "notebook":
      expect((await page.textContent("main")).includes("print(depth)"), "notebook cell not shown");
      break;
    case "listing":
      expect((await page.textContent("main")).includes("inner/readme.txt"), "ZIP listing lacks inner/readme.txt");
      break;
    case "inert":
      // HTML and SVG are offered as source or download, never rendered in
      // Carrel's origin.
      for (const frame of page.frames()) {
        const pwned = await frame.evaluate(() => window.__pwned === true || document.getElementById("pwned") !== null).catch(() => false);
        expect(!pwned, "uploaded markup ran in " + frame.url());
      }
      break;
    case "media":
      expect(await has("main audio, main video"), "no player");
      break;
    default:
      throw new Error("unknown preview kind " + f.preview);
  }
}

main().catch((e) => { console.error("FAIL: " + (e && e.stack || e)); process.exit(1); });
