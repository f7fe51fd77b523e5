// Opens a replylint class report (HTML) in headless Chromium the way a trainer would, and checks
// what a person would: it renders without console errors, fetches nothing from the network, shows
// the class mean and every trainee's mean, and does not come out blank. Writes a screenshot.
//
// usage: node grade-report.mjs REPORT.html EXPECTED.json SCREENSHOT.png
//   EXPECTED.json: {"class_mean": "72.5", "trainees": {"anna": "88.4", ...}}
// Prints one JSON line with the findings; exits 1 when a check fails.

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [report, expectedFile, screenshot] = process.argv.slice(2);
if (!report || !expectedFile || !screenshot) {
  console.error("usage: node grade-report.mjs REPORT.html EXPECTED.json SCREENSHOT.png");
  process.exit(2);
}
const expected = JSON.parse(readFileSync(expectedFile, "utf8"));
const failures = [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 }, deviceScaleFactor: 1 });
  const consoleErrors = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  const url = pathToFileURL(report).href;
  const requests = [];
  page.on("request", (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  await page.goto(url, { waitUntil: "load" });

  const classMean = (await page.textContent("#class-mean"))?.trim();
  if (classMean !== expected.class_mean) {
    failures.push(`class mean shows ${classMean}, expected ${expected.class_mean}`);
  }
  for (const [trainee, mean] of Object.entries(expected.trainees)) {
    const cell = page.locator(`td.trainee-mean[data-trainee="${trainee}"]`);
    const shown = (await cell.count()) === 1 ? (await cell.textContent())?.trim() : null;
    if (shown !== mean) failures.push(`trainee ${trainee}: mean shows ${shown}, expected ${mean}`);
  }
  if (!(await page.locator("svg rect").count())) failures.push("no histogram bars");

  // Every reply opens, and its marks are visible.
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  const marks = await page.locator("details .reply mark").count();
  if (!marks) failures.push("no highlighted findings in the replies");

  // Not blank: the page's pixels are not all one colour.
  const png = await page.screenshot({ path: screenshot, fullPage: false });
  const distinct = await page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, image.width, image.height).data;
    const colours = new Set();
    for (let i = 0; i < data.length && colours.size < 64; i += 4 * 97) {
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
    return colours.size;
  }, png.toString("base64"));
  if (distinct < 8) failures.push(`screenshot looks blank (${distinct} colours)`);

  // Prints on A4 without errors.
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  if (pdf.length < 1000) failures.push("printing to A4 produced an empty PDF");

  if (consoleErrors.length) failures.push(`console errors: ${consoleErrors.join(" | ")}`);
  if (requests.length) failures.push(`network requests: ${requests.join(", ")}`);
  console.log(JSON.stringify({ marks, distinct, pdf_bytes: pdf.length, failures }));
} finally {
  await browser.close();
}
process.exit(failures.length ? 1 : 0);
