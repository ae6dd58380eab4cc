const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * The portal's page frame: stylesheet, logo and web font are real requests, so a client
 * that blocks them really saves round trips.
 */
export function layout(title: string, body: string, options: { nav?: boolean } = {}): string {
  const nav = options.nav
    ? `<nav><a href="/inventory" id="nav-inventory">Inventory</a> <a href="/logout" id="logout">Log out</a></nav>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} - Demo Dealer Values</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header class="topbar"><img src="/static/logo.png" alt="Demo Dealer Values" width="32" height="32" id="logo"><span class="brand">Demo Dealer Values</span>${nav}</header>
<main>
${body}
</main>
<footer>Demo Dealer Values - a stand-in portal bundled with fleetpdf. Not affiliated with any real valuation service.</footer>
</body>
</html>
`;
}

export function errorPage(status: number, title: string, message: string): string {
  return layout(
    `${status} ${title}`,
    `<section class="error-page" id="error-page"><h1>${status} ${esc(title)}</h1><p class="error">${esc(message)}</p><p><a href="/inventory">Back to the inventory</a></p></section>`,
  );
}
