const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Whose page it is: the dealer-values site unless a site passes its own. */
export interface Branding {
  brand: string;
  /** What the footer disclaims ("any real valuation service"). */
  service: string;
}

const DEALER_VALUES: Branding = { brand: 'Demo Dealer Values', service: 'valuation service' };

/**
 * The portal's page frame: stylesheet, logo and web font are real requests, so a client
 * that blocks them really saves round trips.
 */
export function layout(title: string, body: string, options: { nav?: boolean; branding?: Branding } = {}): string {
  const branding = options.branding ?? DEALER_VALUES;
  const brand = esc(branding.brand);
  const nav = options.nav
    ? `<nav><a href="/inventory" id="nav-inventory">Inventory</a> <a href="/logout" id="logout">Log out</a></nav>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} - ${brand}</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header class="topbar"><img src="/static/logo.png" alt="${brand}" width="32" height="32" id="logo"><span class="brand">${brand}</span>${nav}</header>
<main>
${body}
</main>
<footer>${brand} - a stand-in portal bundled with fleetpdf. Not affiliated with any real ${esc(branding.service)}.</footer>
</body>
</html>
`;
}

export function errorPage(status: number, title: string, message: string, branding?: Branding): string {
  return layout(
    `${status} ${title}`,
    `<section class="error-page" id="error-page"><h1>${status} ${esc(title)}</h1><p class="error">${esc(message)}</p><p><a href="/inventory">Back to the inventory</a></p></section>`,
    { branding },
  );
}
