/**
 * The demo's product pictures as the browser receives them: each generated SVG (demo-catalog.ts,
 * the source) rendered to a PNG at build time. The storefront re-ranks its grid on every click, and
 * each card that enters it would otherwise parse an SVG document and rasterise it in the browser,
 * which cost more than the re-rank itself; a PNG only decodes, once, off the main thread.
 */
import { renderAsync } from '@resvg/resvg-js';

/**
 * Width and height (px) of every demo PNG: twice the grid's narrowest card image (its columns are at
 * least 180 CSS px wide, src/ui/styles/product-grid.css), so cards stay sharp on 2x screens.
 */
export const DEMO_IMAGE_PX = 360;

/**
 * Renders one generated SVG to a square PNG of DEMO_IMAGE_PX. The noun under the icon is drawn with
 * the machine's fonts, as a browser would draw the SVG; without any, the picture has no caption.
 * Rendering runs on libuv's thread pool, so many pictures started together use every core.
 * @param svg a square SVG document (renderItemSvg's output).
 */
export async function rasteriseDemoImage(svg: string): Promise<Uint8Array> {
  return (await renderAsync(svg, { fitTo: { mode: 'width', value: DEMO_IMAGE_PX } })).asPng();
}
