/** The portal's static assets, served with long cache lifetimes like a real portal's CDN. */

export const STYLE_CSS = `@font-face {
  font-family: "Dealer Sans";
  src: url("/static/font.woff2") format("woff2");
  font-display: swap;
}
body { font-family: "Dealer Sans", Helvetica, Arial, sans-serif; margin: 0; color: #1a1a26; background: #f4f6fa; }
.topbar { display: flex; align-items: center; gap: 12px; padding: 10px 24px; background: #0d3873; color: #fff; }
.topbar nav { margin-left: auto; }
.topbar nav a { color: #fff; margin-left: 16px; }
main { max-width: 1100px; margin: 24px auto; padding: 0 24px; }
footer { text-align: center; color: #777; font-size: 12px; padding: 24px; }
.error { color: #b00020; }
.notice { background: #fff4ce; border: 1px solid #e0c060; padding: 8px 12px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #dde; padding: 6px 8px; text-align: left; font-size: 14px; }
form.inline { display: inline; }
#license-text { background: #fff; padding: 16px; max-height: 320px; overflow: auto; border: 1px solid #ccd; }
dl.details { display: grid; grid-template-columns: 160px 1fr; gap: 6px 12px; }
.button, button { background: #0d3873; color: #fff; border: 0; padding: 8px 14px; border-radius: 4px; cursor: pointer; text-decoration: none; }
`;

/** A real 1x1 PNG. */
export const LOGO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** WOFF2 magic and filler: only the request and its content type matter here. */
export const FONT_WOFF2 = Buffer.concat([Buffer.from('wOF2', 'latin1'), Buffer.alloc(508, 0x2a)]);

export const STATIC_FILES: Record<string, { type: string; body: Buffer }> = {
  '/static/style.css': { type: 'text/css; charset=utf-8', body: Buffer.from(STYLE_CSS, 'utf8') },
  '/static/logo.png': { type: 'image/png', body: LOGO_PNG },
  '/static/font.woff2': { type: 'font/woff2', body: FONT_WOFF2 },
  '/favicon.ico': { type: 'image/png', body: LOGO_PNG },
};
