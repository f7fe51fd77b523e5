// The playground page of `replylint serve`, end to end in headless Chromium, as a person uses
// it: type a bad Traditional draft, see the highlight and the Traditional rewrite, click the
// rewrite, see the text change and the finding go; do the same with the keyboard alone; check
// Simplified, English and Latvian drafts; take a screenshot.
//
//   node tests/browser/playground.mjs BASE_URL SCREENSHOT.png
//
// Run by tests/browser.rs, which starts the server. Chromium is /usr/bin/chromium unless
// CHROMIUM names another. Prints one line per check and exits 1 on the first failure.

import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error("usage: playground.mjs BASE_URL SCREENSHOT.png");
  process.exit(2);
}

const TRADITIONAL = "您好，你必須先填寫這張表格。";
const REWRITE = "請您先填寫這張表格，您看行嗎？";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // CI runs as root, where Chromium's sandbox cannot start.
  args: ["--no-sandbox"],
});
const problems = [];
try {
  const context = await browser.newContext({
    viewport: { width: 1000, height: 720 },
    deviceScaleFactor: 1,
    locale: "zh-TW",
  });
  const page = await context.newPage();
  // Anything the page asks of another origin is a failure: everything is embedded.
  const external = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(base)) external.push(request.url());
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });

  const draft = page.locator("#draft");
  const marks = page.locator("#backdrop mark");
  const findings = page.locator("#findings > li");
  const status = page.locator("#status");

  await page.goto(base + "/");
  await assert.doesNotReject(page.getByRole("textbox", { name: "Draft" }).waitFor());
  console.log("ok: the page loads, the draft box is labelled");

  // Typing, key by key, as a person does: findings come after a pause in typing.
  await draft.click();
  await draft.pressSequentially(TRADITIONAL, { delay: 5 });
  await page.locator('#backdrop mark[data-rule="zh.command.you-must"]').waitFor();
  assert.equal(await marks.first().textContent(), "你必須先填寫這張表格");
  const item = page.locator('#findings > li[data-rule="zh.command.you-must"]');
  await item.waitFor();
  const itemText = await item.innerText();
  assert.match(itemText, /客戶會覺得沒有選擇的餘地/, "the message is in Traditional script");
  assert.match(itemText, /Source: /, "the finding names its source");
  const rewrite = item.getByRole("button", { name: `Replace “你必須先填寫這張表格” with “${REWRITE}”` });
  assert.equal(await rewrite.textContent(), REWRITE, "the rewrite is in Traditional script");
  assert.match(await status.textContent(), /1 finding/);
  // The highlight lies over the text it marks: same place, same size as the words beneath.
  const markBox = await marks.first().boundingBox();
  const draftBox = await draft.boundingBox();
  assert.ok(markBox.width > 50 && markBox.y >= draftBox.y && markBox.y < draftBox.y + 60,
    `the highlight is on the first line of the draft: ${JSON.stringify({ markBox, draftBox })}`);
  console.log("ok: a Traditional draft gets its highlight, message, source and Traditional rewrite");
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`ok: screenshot written to ${screenshot}`);

  await rewrite.click();
  await page.waitForFunction(() => document.querySelector("#status").textContent === "No findings.");
  assert.equal(await draft.inputValue(), "您好，" + REWRITE);
  assert.equal(await marks.count(), 0, "no highlight is left");
  assert.equal(await findings.count(), 0, "no finding is left");
  assert.equal(await page.evaluate(() => document.activeElement.id), "draft",
    "the caret is back in the draft");
  console.log("ok: clicking the rewrite applies it and the finding disappears");

  // A long draft: the box grows with it, so the highlights (drawn in a backdrop the size of
  // the box) stay on their words; an inner scrollbar would narrow only the textarea's lines.
  await draft.fill("Thanks for writing to us about the order. ".repeat(40) + "You must fill in the form first.");
  await page.locator('#backdrop mark[data-rule="en.command.you-must"]').waitFor();
  const sizes = await page.evaluate(() => {
    const d = document.getElementById("draft"), b = document.getElementById("backdrop");
    return { scroll: d.scrollHeight, client: d.clientHeight, width: d.clientWidth,
      backdropWidth: b.clientWidth, backdropHeight: b.clientHeight };
  });
  assert.ok(sizes.scroll <= sizes.client, `the draft does not scroll inside: ${JSON.stringify(sizes)}`);
  assert.equal(sizes.width, sizes.backdropWidth, "the backdrop is as wide as the draft");
  assert.equal(sizes.client, sizes.backdropHeight, "the backdrop is as tall as the draft");
  console.log("ok: a long draft grows the box, and the backdrop stays the box's size");

  // The keyboard alone: Tab from the page's start reaches the language choice, the draft, then
  // the rewrite buttons; Enter applies one.
  await page.goto(base + "/");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "language");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "draft");
  // A draft whose finding has a rewrite (an order has only suggestions to consider).
  await page.keyboard.type("Sorry for the delay.");
  await page.locator('#findings > li[data-rule="en.positive.thanks-for-patience"]').waitFor();
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => ({
    cls: document.activeElement.className,
    label: document.activeElement.getAttribute("aria-label"),
    text: document.activeElement.textContent,
  }));
  assert.equal(focused.cls, "rewrite", `Tab from the draft reaches a rewrite: ${JSON.stringify(focused)}`);
  const visible = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  });
  assert.ok(visible, "the focused rewrite shows a focus ring");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("#status").textContent === "No findings.");
  assert.equal(await draft.inputValue(), focused.text + ".");
  console.log("ok: the keyboard alone reaches a rewrite and applies it with Enter");

  // Every language the page offers finds something in a bad draft.
  for (const [language, text, rule] of [
    ["", "你必须先填表。", "zh.command.you-must"],
    ["zh-hant", "你必須先填表。", "zh.command.you-must"],
    ["en", "Calm down, please.", "en.anger.calm-down"],
    ["lv", "Nomierinieties, lūdzu.", "lv."],
  ]) {
    await draft.fill("");
    await page.selectOption("#language", language);
    await draft.fill(text);
    await page.locator(`#findings > li[data-rule^="${rule}"]`).first().waitFor();
    assert.ok((await marks.count()) > 0, `${text}: highlighted`);
    console.log(`ok: ${language || "detected"}: ${text} → ${await findings.first().getAttribute("data-rule")}`);
  }
  assert.deepEqual(external, [], "the page loads nothing from elsewhere");
  assert.deepEqual(problems, [], "no script errors");
  console.log("ok: nothing external was loaded, no script errors");
} catch (error) {
  console.error(`FAILED: ${error.message}`);
  if (problems.length) console.error(problems.join("\n"));
  process.exitCode = 1;
} finally {
  await browser.close();
}
