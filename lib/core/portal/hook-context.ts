import type { APIResponse } from 'playwright-core';
import { apiStatusError, isLicenseUrl, isLoginPageBody, isLoginUrl, sessionEnded } from './http-outcome.js';
import type { HookContext, PortalProfile, StepContext } from './profile.js';

/**
 * The context a hook gets for one step run with the session of `sessionVersion`: helpers that
 * map what the hook sees to the errors the core acts on, with the right session version.
 */
export function hookContext(ctx: StepContext, profile: PortalProfile, sessionVersion: number): HookContext {
  const isLoginPage = (body: Buffer | string): boolean => isLoginPageBody(typeof body === 'string' ? Buffer.from(body) : body, profile);
  return {
    baseUrl: ctx.baseUrl,
    stepTimeoutMs: ctx.stepTimeoutMs,
    ...(ctx.maxPdfBytes === undefined ? {} : { maxPdfBytes: ctx.maxPdfBytes }),
    sessionVersion,
    sessionEnded: (detail) => sessionEnded(detail, sessionVersion),
    isLoginPage,
    async checkApiResponse(response: APIResponse, what: string): Promise<Buffer> {
      // page.request follows redirects: where it landed tells a sign-in or license bounce.
      const landed = new URL(response.url());
      if (isLoginUrl(landed, profile)) throw sessionEnded(`sent to the login page on ${what}`, sessionVersion);
      if (isLicenseUrl(landed, profile)) throw sessionEnded(`sent to the license page on ${what}`, sessionVersion);
      const error = apiStatusError(response.status(), what, response.headers()['retry-after'], sessionVersion);
      if (error) throw error;
      const body = await response.body();
      if (isLoginPage(body)) throw sessionEnded(`got the login page on ${what}`, sessionVersion);
      return body;
    },
  };
}
