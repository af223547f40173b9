import type { Messages } from "./types";

/**
 * English catalogue. Typed as `Messages`: TypeScript rejects a missing or an
 * extra key; `catalogue.test.ts` checks that placeholders match es-AR.
 */
export const en: Messages = {
  app: {
    name: "CenterMind",
    documentTitle: "{page} · CenterMind",
    skipToContent: "Skip to content",
    version: "Version {version}",
  },
  nav: {
    label: "Main navigation",
    home: "Home",
  },
  locale: {
    label: "Language",
    "es-AR": "Español (Argentina)",
    en: "English",
  },
  start: {
    title: "CenterMind",
    tagline:
      "Review the displays your sales reps send through Telegram, all in one place.",
    today: "Today is {date}.",
    signInTitle: "Sign in",
    signInPending:
      "Sign-in arrives together with the server. No details are needed for now.",
    runtimeDesktop: "Desktop app",
    runtimeBrowser: "Browser preview",
    featuresTitle: "Coming next",
    features: {
      visor: "Viewer: review pending displays",
      dashboard: "TV dashboard: monthly sales rep ranking",
      reports: "Reports",
      admin: "Administration",
    },
  },
  notFound: {
    title: "Page not found",
    body: "There is no screen at “{path}”.",
    backHome: "Back to start",
  },
};
