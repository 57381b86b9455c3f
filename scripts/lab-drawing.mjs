/**
 * Draws a "7" on the See inside view's pad with Playwright's mouse (pointer events, as a person
 * would), shared by the browser test and the screenshot script.
 */
export async function drawSeven(page) {
  const box = await page.locator('.lab-draw-pad').boundingBox();
  if (box === null) throw new Error('drawSeven: the drawing pad is not laid out');
  const at = (x, y) => [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280];
  await page.mouse.move(...at(70, 60));
  await page.mouse.down();
  await page.mouse.move(...at(210, 60), { steps: 12 });
  await page.mouse.move(...at(130, 230), { steps: 16 });
  await page.mouse.up();
}
