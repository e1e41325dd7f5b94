// Shared pieces of Carrel's browser tests: launching Debian's chromium
// through playwright-core, named steps that report what failed, and
// screenshots into the artifacts folder.
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

// env reads what the Go test passes to the scripts.
function env() {
  const need = (k) => {
    const v = process.env[k];
    if (!v) { throw new Error(k + " is not set; these scripts are run by cmd/carrel's TestBrowser"); }
    return v;
  };
  return {
    url: need("CARREL_URL"),
    email: process.env.CARREL_EMAIL,
    password: process.env.CARREL_PASSWORD,
    files: process.env.CARREL_FILES,
    pages: process.env.CARREL_PAGES ? JSON.parse(process.env.CARREL_PAGES) : [],
    artifacts: need("CARREL_ARTIFACTS"),
  };
}

// launch starts headless chromium with the flags that keep it from
// reaching the network on its own.
function launch() {
  return chromium.launch({
    executablePath: process.env.CARREL_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
}

// step runs one named part of a scenario and says which one failed.
async function step(name, fn) {
  const start = Date.now();
  try {
    await fn();
  } catch (e) {
    e.message = name + ": " + e.message;
    throw e;
  }
  console.log("ok   " + name + " (" + (Date.now() - start) + " ms)");
}

// expect throws when cond is false.
function expect(cond, msg) {
  if (!cond) { throw new Error(msg); }
}

// screenshot saves the whole page as artifacts/<name>.png.
async function screenshot(page, dir, name) {
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, name + ".png"), fullPage: true });
}

// SAVE is the submit button of the item form (not the header's search).
const SAVE = "section.form > form button[type=submit]";

// signIn signs in through the /login form and waits for the workspace.
async function signIn(page, url, email, password) {
  await page.goto(url + "/login?next=/account");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(url + "/account"), page.click('form[action="/login"] button[type=submit]')]);
}

// uploaded waits for the uploader to finish (it reloads the page: loaded)
// and fails with the uploader's message if a file could not be sent.
async function uploaded(page, loaded) {
  const failed = page.waitForSelector(".upload-msg.error", { timeout: 120000 })
    .then(async (el) => { throw new Error("upload failed: " + await el.evaluate((e) => e.parentElement.textContent)); });
  await Promise.race([loaded, failed]);
}

module.exports = { env, launch, step, expect, screenshot, signIn, SAVE, uploaded };
